import {
  Body1,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState } from "react";

import { api, type CommandError } from "../../api";
import type { ProxySettings } from "../../bindings/ProxySettings";
import { ErrorBar } from "../../components/ErrorBar";
import { proxyChange, type ProxyForm } from "./proxyForm";

const useStyles = makeStyles({
  content: { display: "grid", gap: tokens.spacingVerticalM },
});

interface Props {
  open: boolean;
  onClose: () => void;
}

/**
 * Settings > Network proxy: the proxy every request to Microsoft goes through, for networks
 * where the system's proxy is not the right one. The password goes to the OS keychain.
 */
export function NetworkProxyDialog({ open, onClose }: Props) {
  const styles = useStyles();
  const [saved, setSaved] = useState<ProxySettings | null>(null);
  const [form, setForm] = useState<ProxyForm>({ url: "", username: "", password: null });
  const [error, setError] = useState<CommandError | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!open) return;
    setSaved(null);
    setError(null);
    api.proxySettings().then((settings) => {
      setSaved(settings);
      setForm({ url: settings.url ?? "", username: settings.username ?? "", password: null });
    }, setError);
  }, [open]);

  const submit = async (next: ProxyForm) => {
    setSaving(true);
    try {
      await api.setProxySettings(proxyChange(next));
      onClose();
    } catch (failure) {
      setError(failure as CommandError);
    } finally {
      setSaving(false);
    }
  };

  const keptPassword = saved?.hasPassword === true && form.password === null && form.username.trim() !== "";
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface aria-describedby="proxy-description">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void submit(form);
          }}
        >
          <DialogBody>
            <DialogTitle>Network proxy</DialogTitle>
            <DialogContent className={styles.content}>
              <Body1 id="proxy-description">
                Mailferry reaches Microsoft through the system's proxy (or HTTPS_PROXY). Name a proxy here when requests must
                go through another one, or through one that asks for a user name and password.
              </Body1>
              {error && <ErrorBar error={error} title="The proxy was not saved" />}
              {saved === null && !error ? (
                <Spinner label="Loading…" size="small" />
              ) : (
                <>
                  <Field label="Proxy URL" hint="For example http://proxy.contoso.com:8080. Empty: the system's proxy.">
                    <Input
                      value={form.url}
                      onChange={(_, data) => setForm({ ...form, url: data.value })}
                      placeholder="http://proxy.contoso.com:8080"
                    />
                  </Field>
                  <Field label="User name" hint="Only if the proxy asks for one.">
                    <Input
                      value={form.username}
                      autoComplete="off"
                      onChange={(_, data) => setForm({ ...form, username: data.value })}
                    />
                  </Field>
                  <Field
                    label="Password"
                    hint={keptPassword ? "Kept in the OS keychain. Type a new one to replace it." : "Kept in the OS keychain, never in Mailferry's database."}
                  >
                    <Input
                      type="password"
                      autoComplete="off"
                      value={form.password ?? ""}
                      placeholder={keptPassword ? "••••••••" : undefined}
                      disabled={form.username.trim() === ""}
                      onChange={(_, data) => setForm({ ...form, password: data.value })}
                    />
                  </Field>
                </>
              )}
            </DialogContent>
            {saved?.url && (
              <DialogActions position="start">
                <Button disabledFocusable={saving} onClick={() => void submit({ url: "", username: "", password: null })}>
                  Use the system's proxy
                </Button>
              </DialogActions>
            )}
            <DialogActions position="end">
              <Button appearance="primary" type="submit" disabledFocusable={saving || saved === null}>
                Save
              </Button>
              <Button onClick={onClose}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  );
}
