import { Body1, Field, Input, Radio, RadioGroup, makeStyles, tokens } from "@fluentui/react-components";
import type { Dispatch, RefObject } from "react";

import type { Field as FieldName } from "../../../bindings/Field";
import { FIELDS } from "../../../bindings/words";
import { CertificatePanel } from "./CertificatePanel";
import { SecretField } from "./SecretField";
import { CloudChooser } from "./CloudChooser";
import { PermissionProfileChooser } from "./PermissionProfileChooser";
import { ScopeChooser } from "./ScopeChooser";
import { keepsStoredSecret, visibleIssue, type TextField, type WizardAction, type WizardState } from "./wizardState";

const useStyles = makeStyles({
  root: { display: "grid", gap: tokens.spacingVerticalM },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

export type FieldRefs = RefObject<Partial<Record<FieldName, HTMLInputElement | null>>>;

interface Props {
  state: WizardState;
  dispatch: Dispatch<WizardAction>;
  fieldRefs: FieldRefs;
  /** The secret field was left, or a paste landed in it: the moments its value goes to the core. */
  onSecretLeft: () => void;
  onSecretPasted: () => void;
}

export function DetailsStep({ state, dispatch, fieldRefs, onSecretLeft, onSecretPasted }: Props) {
  const styles = useStyles();

  const field = (name: TextField, render: (props: FieldInputProps) => React.ReactElement) => {
    const issue = visibleIssue(state, name);
    const props: FieldInputProps = {
      value: state.values[name],
      onChange: (_: unknown, data: { value: string }) => dispatch({ type: "change", field: name, value: data.value }),
      onBlur: () => {
        dispatch({ type: "touch", field: name });
        if (name === "clientSecret") onSecretLeft();
      },
      // Pasting is a finished input: judge it at once (a pasted Secret ID is flagged straight away).
      onPaste: () => {
        dispatch({ type: "pasted", field: name });
        if (name === "clientSecret") onSecretPasted();
      },
      ref: (element: HTMLInputElement | null) => {
        if (fieldRefs.current) fieldRefs.current[name] = element;
      },
    };
    return (
      <Field
        label={FIELDS[name].label}
        required={name !== "name" && name !== "secretExpires" && !(name === "clientSecret" && state.editing?.credential.kind === "secret")}
        validationState={issue ? "error" : "none"}
        validationMessage={issue?.message}
        hint={issue?.hint ?? FIELDS[name].hint}
      >
        {render(props)}
      </Field>
    );
  };

  const storedSecretHint =
    state.editing?.credential.kind === "secret" && keepsStoredSecret(state)
      ? `Leave empty to keep the stored secret${state.editing.credential.hint ? ` ending in …${state.editing.credential.hint}` : ""}.`
      : undefined;

  return (
    <div className={styles.root}>
      <Body1>Enter the details of the application you registered in Microsoft Entra ID. Each value is checked as you type.</Body1>
      <CloudChooser state={state} dispatch={dispatch} />
      <PermissionProfileChooser state={state} dispatch={dispatch} />
      <ScopeChooser state={state} dispatch={dispatch} />
      {field("name", (p) => <Input {...p} placeholder="For example: Contoso" />)}
      {field("applicationMailbox", (p) => <Input {...p} type="email" placeholder="migration@contoso.com" autoComplete="off" />)}
      {field("clientId", (p) => <Input {...p} className={styles.mono} placeholder="00000000-0000-0000-0000-000000000000" spellCheck={false} />)}
      {field("tenant", (p) => <Input {...p} placeholder="contoso.onmicrosoft.com or tenant GUID" spellCheck={false} />)}
      <Field label="Credential">
        <RadioGroup
          layout="horizontal"
          value={state.credentialKind}
          onChange={(_, data) => dispatch({ type: "credentialKind", kind: data.value === "certificate" ? "certificate" : "secret" })}
        >
          <Radio value="secret" label="Client secret" />
          <Radio value="certificate" label="Certificate thumbprint" />
        </RadioGroup>
      </Field>
      {state.credentialKind === "secret" && field("clientSecret", (p) => <SecretField {...p} placeholder={storedSecretHint ?? "Paste the secret's Value"} />)}
      {state.credentialKind === "secret" && field("secretExpires", (p) => <Input {...p} type="date" />)}
      {state.credentialKind === "certificate" &&
        field("certificateThumbprint", (p) => <Input {...p} className={styles.mono} placeholder="3B7E115A90C4D2E81F00AABBCCDDEEFF01234567" spellCheck={false} />)}
      {state.credentialKind === "certificate" && (
        <CertificatePanel
          thumbprint={state.values.certificateThumbprint}
          onImported={(sha1) => {
            dispatch({ type: "change", field: "certificateThumbprint", value: sha1 });
            dispatch({ type: "touch", field: "certificateThumbprint" });
          }}
        />
      )}
    </div>
  );
}

interface FieldInputProps {
  value: string;
  onChange: (event: unknown, data: { value: string }) => void;
  onBlur: () => void;
  onPaste: () => void;
  ref: (element: HTMLInputElement | null) => void;
}
