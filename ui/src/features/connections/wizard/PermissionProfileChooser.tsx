import { Field, Radio, RadioGroup } from "@fluentui/react-components";
import type { Dispatch } from "react";

import type { PermissionProfile } from "../../../bindings/PermissionProfile";
import { PERMISSION_PROFILES } from "../../../bindings/words";
import { profileOffered, type WizardAction, type WizardState } from "./wizardState";

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
  disabled?: boolean;
}

/**
 * Which Microsoft Graph API the connection migrates with, hence the permissions it asks for.
 * Full fidelity is offered only where Microsoft offers the mailbox import and export API.
 */
export function PermissionProfileChooser({ state, dispatch, disabled }: Props) {
  const unavailable = !profileOffered("fullFidelity", state.cloudKind);
  return (
    <Field
      label="Permissions"
      hint={unavailable ? "Full fidelity needs Microsoft Graph's mailbox import and export API, which Microsoft offers in the Global cloud only." : undefined}
    >
      <RadioGroup
        value={state.permissionProfile}
        disabled={disabled}
        onChange={(_, data) => dispatch({ type: "permissionProfile", profile: data.value as PermissionProfile })}
      >
        {PERMISSION_PROFILES.map(({ profile, label, description }) => (
          <Radio
            key={profile}
            value={profile}
            disabled={profile === "fullFidelity" && unavailable}
            label={`${label}: ${description}`}
          />
        ))}
      </RadioGroup>
    </Field>
  );
}
