import { Checkbox, Field, Input } from "@fluentui/react-components";
import type { Dispatch } from "react";

import { FIELDS } from "../../../bindings/words";
import { visibleIssue, type WizardAction, type WizardState } from "./wizardState";

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
  disabled?: boolean;
}

/**
 * Limit the connection to the members of one mail-enabled group: its mailbox permissions are
 * then granted in Exchange Online on that group (RBAC for Applications), not tenant-wide.
 */
export function ScopeChooser({ state, dispatch, disabled }: Props) {
  const issue = visibleIssue(state, "scopeGroup");
  return (
    <>
      <Checkbox
        checked={state.scoped}
        disabled={disabled}
        label="Limit access to members of a mail-enabled security group"
        onChange={(_, data) => dispatch({ type: "scoped", scoped: data.checked === true })}
      />
      {state.scoped && (
        <Field
          label={FIELDS.scopeGroup.label}
          required
          validationState={issue ? "error" : "none"}
          validationMessage={issue?.message}
          hint={issue?.hint ?? `${FIELDS.scopeGroup.hint} Mailferry then gives the Exchange Online PowerShell that grants the mailbox permissions on it.`}
        >
          <Input
            value={state.values.scopeGroup}
            disabled={disabled}
            placeholder="migration-wave1@contoso.com"
            spellCheck={false}
            onChange={(_, data) => dispatch({ type: "change", field: "scopeGroup", value: data.value })}
            onBlur={() => dispatch({ type: "touch", field: "scopeGroup" })}
          />
        </Field>
      )}
    </>
  );
}
