// The connection wizard's state, kept free of React and the DOM so it is tested on its own.
import type { Connection } from "../../../bindings/Connection";
import type { ConnectionDraft } from "../../../bindings/ConnectionDraft";
import type { Field } from "../../../bindings/Field";
import type { FieldIssue } from "../../../bindings/FieldIssue";
import type { Role } from "../../../bindings/Role";

export type WizardStep = "registration" | "details";
export const WIZARD_STEPS: { step: WizardStep; title: string }[] = [
  { step: "registration", title: "Application registration" },
  { step: "details", title: "Application details" },
];

export type CredentialChoice = "secret" | "certificate";

export interface WizardState {
  role: Role;
  /** The connection being edited, saved or only staged; null for a new one. */
  editing: Connection | null;
  step: WizardStep;
  values: Record<Field, string>;
  credentialKind: CredentialChoice;
  touched: Partial<Record<Field, boolean>>;
  issues: FieldIssue[];
  /** Set by a Finish attempt: every problem is shown, touched or not. */
  revealAll: boolean;
}

export type WizardAction =
  | { type: "next" }
  | { type: "back" }
  | { type: "change"; field: Field; value: string }
  | { type: "touch"; field: Field }
  | { type: "credentialKind"; kind: CredentialChoice }
  | { type: "issues"; issues: FieldIssue[] }
  | { type: "revealAll" };

export function initialWizardState(role: Role, editing: Connection | null = null): WizardState {
  const credential = editing?.credential;
  return {
    role,
    editing,
    // Editing starts where the details are; the registration choice was made already.
    step: editing ? "details" : "registration",
    values: {
      name: editing?.name ?? "",
      applicationMailbox: editing?.applicationMailbox ?? "",
      clientId: editing?.clientId ?? "",
      tenant: editing?.tenantId ?? "",
      clientSecret: "",
      certificateThumbprint: credential?.kind === "certificate" ? credential.sha1Thumbprint : "",
    },
    credentialKind: credential?.kind ?? "secret",
    touched: {},
    issues: [],
    revealAll: false,
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case "next":
      return state.step === "registration" ? { ...state, step: "details" } : state;
    case "back":
      return state.step === "details" && !state.editing ? { ...state, step: "registration", revealAll: false } : state;
    case "change":
      return { ...state, values: { ...state.values, [action.field]: action.value } };
    case "touch":
      return state.touched[action.field] ? state : { ...state, touched: { ...state.touched, [action.field]: true } };
    case "credentialKind":
      return { ...state, credentialKind: action.kind };
    case "issues":
      return { ...state, issues: action.issues };
    case "revealAll":
      return { ...state, revealAll: true };
  }
}

/** Whether the editing connection already has a secret that an empty field keeps. */
export function keepsStoredSecret(state: WizardState): boolean {
  return state.editing?.credential.kind === "secret" && state.values.clientSecret.trim() === "";
}

/** The fields shown for the chosen credential. */
export function activeFields(state: WizardState): Field[] {
  const credentialField: Field = state.credentialKind === "secret" ? "clientSecret" : "certificateThumbprint";
  return ["name", "applicationMailbox", "clientId", "tenant", credentialField];
}

/** The problem to show under a field: only once the admin has left the field or tried to finish. */
export function visibleIssue(state: WizardState, field: Field): FieldIssue | undefined {
  if (!state.revealAll && !state.touched[field]) return undefined;
  if (!activeFields(state).includes(field)) return undefined;
  return state.issues.find((issue) => issue.field === field);
}

export function firstInvalidField(state: WizardState): Field | undefined {
  const active = activeFields(state);
  return active.find((field) => state.issues.some((issue) => issue.field === field));
}

export function toDraft(state: WizardState): ConnectionDraft {
  const { values } = state;
  return {
    id: state.editing?.id ?? null,
    role: state.role,
    name: values.name,
    cloud: state.editing?.cloud ?? { kind: "global" },
    tenant: values.tenant,
    clientId: values.clientId,
    applicationMailbox: values.applicationMailbox,
    credential:
      state.credentialKind === "secret"
        ? { kind: "secret", value: keepsStoredSecret(state) ? null : values.clientSecret }
        : { kind: "certificate", thumbprint: values.certificateThumbprint },
  };
}
