import { Dropdown, Field, Input, Option, makeStyles, tokens } from "@fluentui/react-components";
import type { Dispatch } from "react";

import { CLOUDS, FIELDS } from "../../../bindings/words";
import { isDemoCloud, useDemo } from "../../demo/demoContext";
import { visibleIssue, type WizardAction, type WizardState } from "./wizardState";

const useStyles = makeStyles({
  urls: { display: "grid", gridTemplateColumns: "1fr 1fr", gap: tokens.spacingHorizontalM },
});

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
}

/** What the chooser calls the demo cloud: a Custom cloud on this computer. */
export const DEMO_CLOUD_LABEL = "Demo (Contoso and Fabrikam, on this computer)";

/**
 * The Microsoft cloud the tenant lives in; Custom takes a login URL and a Graph URL. In the
 * demo, the demo cloud is one more choice, by name, and chosen for new connections.
 */
export function CloudChooser({ state, dispatch }: Props) {
  const styles = useStyles();
  const demo = useDemo();
  const issue = visibleIssue(state, "cloud");
  const served = demo?.active ? demo.cloud : null;
  const inDemoCloud = state.cloudKind === "custom" && isDemoCloud(demo, { kind: "custom", ...state.customCloud });
  const chosen = inDemoCloud
    ? { kind: "demo", label: DEMO_CLOUD_LABEL }
    : (CLOUDS.find((c) => c.kind === state.cloudKind) ?? CLOUDS[0]);
  const touch = () => dispatch({ type: "touch", field: "cloud" });
  const hint = inDemoCloud ? "Served by Mailferry on this computer: nothing reaches Microsoft." : FIELDS.cloud.hint;
  return (
    <>
      <Field label={FIELDS.cloud.label} hint={hint}>
        <Dropdown
          value={chosen.label}
          selectedOptions={[chosen.kind]}
          onOptionSelect={(_, data) => {
            if (data.optionValue === "demo" && served?.kind === "custom") {
              dispatch({ type: "cloud", cloud: served });
              return;
            }
            const kind = CLOUDS.find((c) => c.kind === data.optionValue)?.kind;
            if (kind) dispatch({ type: "cloudKind", kind });
          }}
        >
          {served && (
            <Option key="demo" value="demo">
              {DEMO_CLOUD_LABEL}
            </Option>
          )}
          {CLOUDS.map((cloud) => (
            <Option key={cloud.kind} value={cloud.kind}>
              {cloud.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {state.cloudKind === "custom" && !inDemoCloud && (
        <div className={styles.urls}>
          <Field label="Login URL" required validationState={issue ? "error" : "none"} validationMessage={issue?.message} hint={issue?.hint}>
            <Input
              value={state.customCloud.loginUrl}
              placeholder="https://login.microsoftonline.us"
              spellCheck={false}
              onChange={(_, data) => dispatch({ type: "customCloud", loginUrl: data.value })}
              onBlur={touch}
            />
          </Field>
          <Field label="Microsoft Graph URL" required>
            <Input
              value={state.customCloud.graphUrl}
              placeholder="https://graph.microsoft.us"
              spellCheck={false}
              onChange={(_, data) => dispatch({ type: "customCloud", graphUrl: data.value })}
              onBlur={touch}
            />
          </Field>
        </div>
      )}
    </>
  );
}
