import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Body1,
  Caption1,
  Card,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type Dispatch } from "react";

import { api } from "../../../api";
import type { Connection } from "../../../bindings/Connection";
import type { Permission } from "../../../bindings/Permission";
import { AutomaticPanel } from "./AutomaticPanel";
import { PermissionProfileChooser } from "./PermissionProfileChooser";
import type { WizardAction, WizardState } from "./wizardState";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalM },
  guide: { margin: 0, paddingLeft: tokens.spacingHorizontalXL, display: "grid", gap: tokens.spacingVerticalS },
  permissions: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  code: { fontFamily: tokens.fontFamilyMonospace },
});

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
  onRunningChange: (running: boolean) => void;
  onRegistered: (connection: Connection) => void;
}

export function RegistrationStep({ state, dispatch, onRunningChange, onRegistered }: Props) {
  const styles = useStyles();
  const role = state.role;
  const profile = state.permissionProfile;
  const [running, setRunning] = useState(false);
  const [permissions, setPermissions] = useState<Permission[] | null>(null);
  useEffect(() => {
    let live = true;
    api.permissionSet(role, profile).then((set) => live && setPermissions(set), () => live && setPermissions([]));
    return () => {
      live = false;
    };
  }, [role, profile]);

  return (
    <div className={styles.root}>
      <Body1>Mailferry signs in to the tenant as an application registered in Microsoft Entra ID. Choose how that application is registered.</Body1>
      <Card>
        <RadioGroup
          value={state.registrationMode}
          aria-label="Application registration"
          disabled={running}
          onChange={(_, data) => dispatch({ type: "registrationMode", mode: data.value === "manual" ? "manual" : "automatic" })}
        >
          <Radio value="automatic" label="Automatic registration: sign in as an administrator and let Mailferry register the application" />
          <Radio value="manual" label="Manual registration: I registered the application in Microsoft Entra ID" />
        </RadioGroup>
        <Caption1>
          {state.registrationMode === "automatic"
            ? "Mailferry registers the application, grants the permissions and saves the connection; then it checks it."
            : "You will enter the application's details on the next step."}
        </Caption1>
      </Card>
      {state.registrationMode === "automatic" && (
        <AutomaticPanel
          state={state}
          permissions={permissions ?? []}
          dispatch={dispatch}
          onRegistered={onRegistered}
          onRunningChange={(now) => {
            setRunning(now);
            onRunningChange(now);
          }}
        />
      )}
      {state.registrationMode === "manual" && <PermissionProfileChooser state={state} dispatch={dispatch} />}
      {state.registrationMode === "manual" && (
      <Accordion collapsible>
        <AccordionItem value="guide">
          <AccordionHeader>How to register the application by hand</AccordionHeader>
          <AccordionPanel>
            <ol className={styles.guide}>
              <li>
                <Body1>
                  In the Microsoft Entra admin center open Identity &gt; Applications &gt; App registrations &gt; New registration. Name it, for example,
                  "Mailferry Migration {role === "source" ? "Source" : "Target"}", and choose "Accounts in this organizational directory only".
                </Body1>
              </li>
              <li>
                <Body1>In API permissions choose Add a permission &gt; Microsoft Graph &gt; Application permissions, and add:</Body1>
                {permissions === null ? (
                  <Spinner size="tiny" label="Loading the permission list…" />
                ) : (
                  <ul className={styles.permissions} aria-label="Permissions to add">
                    {permissions.map((p) => (
                      <li key={p.id}>
                        <Text weight="semibold" className={styles.code}>{p.name}</Text>: {p.reason}
                      </li>
                    ))}
                  </ul>
                )}
                <Body1>Then press "Grant admin consent" for the tenant.</Body1>
              </li>
              <li>
                <Body1>
                  In Certificates &amp; secrets upload a certificate (RSA, 2048 bits or more) or create a client secret and copy its Value right away: Microsoft
                  shows it only once.
                </Body1>
              </li>
              <li>
                <Body1>From the Overview page copy the Application (client) ID and the Directory (tenant) ID.</Body1>
              </li>
            </ol>
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
      )}
    </div>
  );
}
