import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Body1,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { CheckmarkCircle20Filled, Circle20Regular, CopyRegular, PersonKeyRegular } from "@fluentui/react-icons";
import { useEffect, useReducer, useRef, useState, type Dispatch } from "react";

import { api, type CommandError } from "../../../api";
import type { Cloud } from "../../../bindings/Cloud";
import type { Connection } from "../../../bindings/Connection";
import type { EarlierRegistration } from "../../../bindings/EarlierRegistration";
import type { Permission } from "../../../bindings/Permission";
import type { Registration } from "../../../bindings/Registration";
import type { RegistrationProgress } from "../../../bindings/RegistrationProgress";
import type { SignInClient } from "../../../bindings/SignInClient";
import type { Role } from "../../../bindings/Role";
import { ErrorBar } from "../../../components/ErrorBar";
import { automaticAnnouncement, automaticReducer, initialAutomatic, type StepView } from "./automaticState";
import { APPLICATION_NAMES } from "../../../bindings/words";
import { isDemoCloud, useDemo } from "../../demo/demoContext";
import { CloudChooser } from "./CloudChooser";
import { PermissionProfileChooser } from "./PermissionProfileChooser";
import { ScopeChooser } from "./ScopeChooser";
import { ReuseCredentials, foreignCredentials } from "./ReuseCredentials";
import { chosenCloud, type WizardAction, type WizardState } from "./wizardState";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalM },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  steps: { listStyle: "none", margin: 0, padding: 0, display: "grid", gap: tokens.spacingVerticalS },
  step: { display: "grid", gridTemplateColumns: "24px 1fr", gap: tokens.spacingHorizontalS },
  pass: { color: tokens.colorPaletteGreenForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
  row: { display: "flex", gap: tokens.spacingHorizontalS, alignItems: "center", flexWrap: "wrap" },
});

interface Props {
  state: WizardState;
  /** The role's permission set, read once by the registration step. */
  permissions: Permission[];
  dispatch: Dispatch<WizardAction>;
  onRunningChange: (running: boolean) => void;
  onRegistered: (connection: Connection) => void;
}

/** Automatic registration: what will happen, then the sign-in and each step as it happens. */
export function AutomaticPanel({ state, permissions, dispatch, onRunningChange, onRegistered }: Props) {
  const styles = useStyles();
  const [progress, update] = useReducer(automaticReducer, undefined, initialAutomatic);
  const [error, setError] = useState<CommandError | null>(null);
  const [unfinished, setUnfinished] = useState<Registration[]>([]);
  const [tenant, setTenant] = useState(state.values.tenant);
  const [mailbox, setMailbox] = useState(state.values.applicationMailbox);
  const [earlier, setEarlier] = useState<EarlierRegistration[]>([]);
  const [reuse, setReuse] = useState("new");
  /** The admin confirmed keeping the chosen application's credentials Mailferry did not create. */
  const [trustConfirmed, setTrustConfirmed] = useState(false);
  const chosen = earlier.find((e) => e.appId === reuse) ?? null;
  const needsTrust = chosen !== null && foreignCredentials(chosen).length > 0;
  const running = progress.phase === "signingIn" || progress.phase === "registering";
  const runningNow = useRef(false);
  // In the demo cloud the tenant is known: the demo's tenant for this role.
  const demo = useDemo();
  const demoTenant = isDemoCloud(demo, chosenCloud(state)) ? demo?.tenants.find((t) => t.role === state.role) : undefined;
  useEffect(() => {
    if (demoTenant) setTenant((typed) => typed || demoTenant.domain);
  }, [demoTenant]);

  /** Unfinished registrations of this role, offered for resume or clean-up. */
  const refreshUnfinished = async () =>
    setUnfinished((await api.unfinishedRegistrations().catch(() => [])).filter((r) => r.role === state.role));
  useEffect(() => {
    void refreshUnfinished();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per role
  }, [state.role]);

  // Leaving the wizard stops a sign-in or registration in progress (it can be resumed).
  useEffect(() => () => void (runningNow.current && api.cancelRegistration().catch(() => undefined)), []);

  const run = async (work: () => Promise<Connection | null>) => {
    update({ type: "start" });
    setError(null);
    runningNow.current = true;
    onRunningChange(true);
    try {
      const connection = await work();
      if (connection) {
        update({ type: "done" });
        onRegistered(connection);
      } else {
        await refreshUnfinished();
      }
    } catch (failure) {
      update({ type: "stopped" });
      const commandError = failure as CommandError;
      if (commandError.code !== "cancelled") setError(commandError);
      await refreshUnfinished();
    } finally {
      runningNow.current = false;
      onRunningChange(false);
    }
  };

  const onProgress = (event: RegistrationProgress) => update({ type: "progress", progress: event });
  const signIn = (cloud: Cloud, tenantToUse: string, deviceCode: boolean) =>
    api.signInForRegistration({ role: state.role, cloud, tenant: tenantToUse, deviceCode }, onProgress);
  const registerWith = (resume: string | null, reuseAppId: string | null, trustedKeyIds: string[] = []) =>
    api.registerAutomatically(
      {
        connectionName: state.values.name.trim() || null,
        applicationMailbox: mailbox.trim() || null,
        permissionProfile: state.permissionProfile,
        scopeGroup: state.scoped ? state.values.scopeGroup.trim() || undefined : undefined,
        resume,
        reuseAppId,
        trustedKeyIds,
      },
      onProgress,
    );

  /** Log in: then register, unless earlier registrations are there to choose from. */
  const start = (deviceCode: boolean) =>
    run(async () => {
      const signedIn = await signIn(chosenCloud(state), tenant.trim(), deviceCode);
      if (signedIn.earlier.length > 0) {
        setEarlier(signedIn.earlier);
        setReuse("new");
        update({ type: "choose" });
        return null;
      }
      return registerWith(null, null);
    });
  const proceed = () =>
    run(() => registerWith(null, chosen?.appId ?? null, chosen && trustConfirmed ? foreignCredentials(chosen).map((c) => c.keyId) : []));
  const resumeOne = (registration: Registration) =>
    run(async () => {
      await signIn(registration.cloud, registration.tenantId, false);
      return registerWith(registration.id, null);
    });
  const cleanUp = (registration: Registration) =>
    run(async () => {
      await signIn(registration.cloud, registration.tenantId, false);
      await api.rollBackRegistration(registration.id, onProgress);
      return null;
    });

  const busyView = running || progress.phase === "done" || progress.phase === "choosing";
  return (
    <div className={styles.root}>
      {progress.phase !== "idle" && (
        <>
          <Text role="status" aria-live="polite" weight="semibold">
            {automaticAnnouncement(progress)}
          </Text>
          <StepList steps={progress.steps} user={progress.user} />
          {running && (
            <div className={styles.row}>
              <Button onClick={() => void api.cancelRegistration()}>Cancel sign-in and registration</Button>
              {/* The steps above say what is happening; the spinner only shows that it is. */}
              <Spinner size="tiny" aria-label="Registering" />
            </div>
          )}
        </>
      )}
      {progress.deviceCode && progress.phase === "signingIn" && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>
            On any device, open <Text weight="semibold">{progress.deviceCode.verificationUri}</Text> and enter the code{" "}
            <Text weight="semibold" font="monospace" aria-label="Sign-in code">
              {progress.deviceCode.userCode}
            </Text>
            , then sign in as a Global Administrator or Privileged Role Administrator.
          </MessageBarBody>
          <MessageBarActions>
            <CopyButton text={progress.deviceCode.userCode} label="Copy code" />
          </MessageBarActions>
        </MessageBar>
      )}
      {progress.phase === "choosing" && (
        <div className={styles.root}>
          <RadioGroup
            value={reuse}
            onChange={(_, data) => {
              setReuse(data.value);
              setTrustConfirmed(false);
            }}
            aria-label="Earlier Mailferry registrations in this tenant"
          >
            <Radio value="new" label={`Register a new application “${applicationName(state.role)}”`} />
            {earlier.map((e) => (
              <Radio
                key={e.appId}
                value={e.appId}
                label={`Reuse ${e.displayName} (${e.appId}${e.createdAt ? `, registered ${new Date(e.createdAt).toLocaleDateString()}` : ""}${
                  e.connections.length > 0 ? `, used by ${e.connections.join(", ")}` : ""
                }): ${
                  e.heldCertificate
                    ? "the new certificate is added next to its current one"
                    : reuseWithoutHeldCertificate(e.certificateCount)
                }`}
              />
            ))}
          </RadioGroup>
          {chosen && <ReuseCredentials app={chosen} confirmed={trustConfirmed} onConfirm={setTrustConfirmed} />}
          <div className={styles.row}>
            <Button appearance="primary" onClick={() => void proceed()} disabled={needsTrust && !trustConfirmed}>
              Continue
            </Button>
          </div>
        </div>
      )}
      {error && <ErrorBar error={error} title="The registration did not complete" />}
      {error && consentLink(error) && (
        <div className={styles.row}>
          <CopyButton text={consentLink(error) ?? ""} label="Copy admin consent link" />
          <Caption1>Send it to a Global Administrator or Privileged Role Administrator; once they accept, resume the registration.</Caption1>
        </div>
      )}
      {!busyView && (
        <>
          <Body1>
            Sign in as a <Text weight="semibold">Global Administrator</Text> or <Text weight="semibold">Privileged Role Administrator</Text> of
            the {state.role} tenant. Mailferry then registers the application “{applicationName(state.role)}” in Microsoft Entra ID with
            its own certificate, valid for 5 years (the private key stays in this computer’s keychain), and grants it these Microsoft
            Graph application permissions:
          </Body1>
          <ul className={styles.list} aria-label="Permissions that will be granted">
            {permissions.map((p) => (
              <li key={p.name}>
                <Text weight="semibold">{p.name}</Text>: {p.reason}
              </li>
            ))}
          </ul>
          <Caption1>
            Each automatic registration creates a new application; earlier ones stay listed under App registrations until deleted there.
          </Caption1>
          {unfinished.map((r) => (
            <MessageBar key={r.id} intent="warning" layout="multiline">
              <MessageBarBody>
                An earlier registration in tenant {r.tenantId}, started by {r.admin}, did not finish{r.lastError ? `: ${r.lastError}` : "."}{" "}
                Resume it, or clean up what it created.
              </MessageBarBody>
              <MessageBarActions>
                <Button size="small" onClick={() => void resumeOne(r)}>
                  Resume
                </Button>
                <Button size="small" onClick={() => void cleanUp(r)}>
                  Clean up
                </Button>
              </MessageBarActions>
            </MessageBar>
          ))}
          <CloudChooser state={state} dispatch={dispatch} />
          <PermissionProfileChooser state={state} dispatch={dispatch} />
          <ScopeChooser state={state} dispatch={dispatch} />
          <Field
            label="Tenant"
            required
            hint={
              demoTenant
                ? `The demo's ${state.role} tenant is ${demoTenant.displayName}, ${demoTenant.domain}; sign in as ${demoTenant.admin} with ${demoTenant.password}.`
                : "A verified domain such as contoso.onmicrosoft.com, or the directory (tenant) ID."
            }
          >
            <Input value={tenant} onChange={(_, data) => setTenant(data.value)} placeholder="contoso.onmicrosoft.com" />
          </Field>
          <Field label="Dedicated application mailbox" hint="Optional: left empty, the administrator who signs in is used.">
            <Input value={mailbox} type="email" onChange={(_, data) => setMailbox(data.value)} placeholder="migration@contoso.com" />
          </Field>
          <div className={styles.row}>
            <Button appearance="primary" icon={<PersonKeyRegular />} disabled={tenant.trim() === ""} onClick={() => void start(false)}>
              Log in as Office 365 admin
            </Button>
          </div>
          <Accordion collapsible>
            <AccordionItem value="other">
              <AccordionHeader>Other ways to sign in</AccordionHeader>
              <AccordionPanel>
                <div className={styles.root}>
                  <div className={styles.row}>
                    <Button disabled={tenant.trim() === ""} onClick={() => void start(true)}>
                      Sign in with a code on another device
                    </Button>
                    <Caption1>For a browser on another computer or phone, or when this computer cannot open one.</Caption1>
                  </div>
                  <SignInClientField />
                </div>
              </AccordionPanel>
            </AccordionItem>
          </Accordion>
        </>
      )}
    </div>
  );
}

/**
 * The application admins sign in with. Microsoft Graph Command Line Tools by default; tenants
 * that disable it, or require their own sign-in app, set theirs here.
 */
function SignInClientField() {
  const styles = useStyles();
  const [current, setCurrent] = useState<SignInClient | null>(null);
  const [value, setValue] = useState("");
  const [error, setError] = useState<CommandError | null>(null);
  useEffect(() => {
    api.signInClient().then((client) => {
      setCurrent(client);
      setValue(client.isDefault ? "" : client.clientId);
    }, setError);
  }, []);
  const save = (clientId: string | null) =>
    api.setSignInClient(clientId).then((client) => {
      setCurrent(client);
      setValue(client.isDefault ? "" : client.clientId);
      setError(null);
    }, setError);
  return (
    <Field
      label="Sign-in application (client) ID"
      validationState={error ? "error" : "none"}
      validationMessage={error ? `${error.message} ${error.detail.hint ?? ""}` : undefined}
      hint={
        current?.isDefault
          ? `Default: Microsoft Graph Command Line Tools (${current.clientId}). Set your organization's own public client app if that one is disabled.`
          : "Your organization's sign-in app. It needs http://localhost as a Mobile and desktop redirect URI."
      }
    >
      <div className={styles.row}>
        <Input value={value} onChange={(_, data) => setValue(data.value)} placeholder="00000000-0000-0000-0000-000000000000" />
        <Button size="small" onClick={() => void save(value.trim() || null)}>
          Save
        </Button>
        {current && !current.isDefault && (
          <Button size="small" onClick={() => void save(null)}>
            Use the default
          </Button>
        )}
      </div>
    </Field>
  );
}

/** The admin consent link a refusal carries, for another administrator. */
function consentLink(error: CommandError): string | null {
  return error.detail.consentUrl;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="small"
      icon={<CopyRegular />}
      onClick={() =>
        void navigator.clipboard.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? "Copied" : label}
    </Button>
  );
}

/** What reusing an application whose certificates Mailferry does not hold does: it adds, never removes. */
function reuseWithoutHeldCertificate(count: number): string {
  if (count === 0) return "it has no certificate yet: the new one is added";
  if (count === 1) return "Mailferry does not hold its certificate: the new one is added and the current one is kept";
  return `Mailferry holds none of its ${count} certificates: the new one is added and they are kept`;
}

function applicationName(role: Role): string {
  return APPLICATION_NAMES[role];
}

function StepList({ steps, user }: { steps: StepView[]; user: string | null }) {
  const styles = useStyles();
  return (
    <ul className={styles.steps} role="list" aria-label="Registration progress">
      <li className={styles.step} aria-label={user ? `Signed in as ${user}` : "Signing in"}>
        {user ? <CheckmarkCircle20Filled className={styles.pass} aria-hidden /> : <Spinner size="extra-tiny" aria-hidden />}
        <Text>{user ? `Signed in as ${user}` : "Signing in in the browser…"}</Text>
      </li>
      {steps.map((s) => {
        const done = s.state === "done" || s.state === "skipped";
        const active = s.state === "started" || s.state === "waiting";
        return (
          <li key={s.step} className={styles.step} aria-label={`${s.title}: ${done ? "done" : active ? "in progress" : "waiting"}`}>
            {done ? (
              <CheckmarkCircle20Filled className={styles.pass} aria-hidden />
            ) : active ? (
              <Spinner size="extra-tiny" aria-hidden />
            ) : (
              <Circle20Regular className={styles.muted} aria-hidden />
            )}
            <div>
              <Text className={done || active ? undefined : styles.muted}>{s.title}</Text>
              {s.state === "waiting" && <Caption1 className={styles.muted}> · waiting for Microsoft: {s.detail}</Caption1>}
              {s.state === "skipped" && <Caption1 className={styles.muted}> · done by the earlier attempt</Caption1>}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
