import { Dropdown, Field, Input, Option, makeStyles, tokens } from "@fluentui/react-components";
import type { Dispatch } from "react";

import { CLOUDS, FIELDS } from "../../../bindings/words";
import { visibleIssue, type WizardAction, type WizardState } from "./wizardState";

const useStyles = makeStyles({
  urls: { display: "grid", gridTemplateColumns: "1fr 1fr", gap: tokens.spacingHorizontalM },
});

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
}

/** The Microsoft cloud the tenant lives in; Custom takes a login URL and a Graph URL. */
export function CloudChooser({ state, dispatch }: Props) {
  const styles = useStyles();
  const issue = visibleIssue(state, "cloud");
  const chosen = CLOUDS.find((c) => c.kind === state.cloudKind) ?? CLOUDS[0];
  const touch = () => dispatch({ type: "touch", field: "cloud" });
  return (
    <>
      <Field label={FIELDS.cloud.label} hint={FIELDS.cloud.hint}>
        <Dropdown
          value={chosen.label}
          selectedOptions={[chosen.kind]}
          onOptionSelect={(_, data) => {
            const kind = CLOUDS.find((c) => c.kind === data.optionValue)?.kind;
            if (kind) dispatch({ type: "cloudKind", kind });
          }}
        >
          {CLOUDS.map((cloud) => (
            <Option key={cloud.kind} value={cloud.kind}>
              {cloud.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      {state.cloudKind === "custom" && (
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
