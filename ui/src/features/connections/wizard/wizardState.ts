// The connection wizard's state, kept free of React and the DOM so it is tested on its own.
import type { Cloud } from "../../../bindings/Cloud";
import type { Connection } from "../../../bindings/Connection";
import type { DraftFields } from "../../../bindings/DraftFields";
import type { DraftState } from "../../../bindings/DraftState";
import type { Field } from "../../../bindings/Field";
import type { FieldIssue } from "../../../bindings/FieldIssue";
import type { PermissionProfile } from "../../../bindings/PermissionProfile";
import type { Role } from "../../../bindings/Role";

export type WizardStep = "registration" | "details" | "configuration";
export const WIZARD_STEPS: { step: WizardStep; title: string }[] = [
  { step: "registration", title: "Application registration" },
  { step: "details", title: "Application details" },
  { step: "configuration", title: "Configuration" },
];

export type CloudKind = Cloud["kind"];

export type CredentialChoice = "secret" | "certificate";
/** The fields typed as text; the cloud is chosen from a list. */
export type TextField = Exclude<Field, "cloud">;

export interface WizardState {
  role: Role;
  /** The connection being edited, saved or only staged; null for a new one. */
  editing: Connection | null;
  step: WizardStep;
  values: Record<TextField, string>;
  credentialKind: CredentialChoice;
  cloudKind: CloudKind;
  /** Which Graph API the connection migrates with, hence the permissions it asks for. */
  permissionProfile: PermissionProfile;
  /** The admin chose the profile: a change of cloud no longer resets it to that cloud's default. */
  profileChosen: boolean;
  /** Limit mailbox access to the members of one mail-enabled group (Exchange Online RBAC). */
  scoped: boolean;
  /** A custom cloud's URLs, kept while another cloud is chosen so switching back loses nothing. */
  customCloud: { loginUrl: string; graphUrl: string };
  /** The draft in the core's edit session that this wizard edits; null until the core answers. */
  draftId: string | null;
  /** The connection the core made of the details: what Configure checks and Finish keeps. */
  staged: Connection | null;
  /** The secret field changed since it was last sent to the core. */
  secretDirty: boolean;
  registrationMode: "automatic" | "manual";
  /** The staged connection is already saved (automatic registration saves it at once). */
  alreadySaved: boolean;
  touched: Partial<Record<Field, boolean>>;
  /** Fields the admin typed in (or an import filled): only those are judged when left. */
  edited: Partial<Record<Field, boolean>>;
  issues: FieldIssue[];
  /** Set by a Finish attempt: every problem is shown, touched or not. */
  revealAll: boolean;
}

export type WizardAction =
  | { type: "next" }
  | { type: "back" }
  | { type: "change"; field: TextField; value: string }
  | { type: "touch"; field: Field }
  /** A paste: a finished input, judged at once (its change event comes after). */
  | { type: "pasted"; field: Field }
  | { type: "credentialKind"; kind: CredentialChoice }
  | { type: "cloud"; cloud: Cloud }
  | { type: "cloudKind"; kind: CloudKind }
  | { type: "customCloud"; loginUrl?: string; graphUrl?: string }
  | { type: "permissionProfile"; profile: PermissionProfile }
  | { type: "scoped"; scoped: boolean }
  | { type: "draft"; draftId: string }
  | { type: "validated"; state: DraftState }
  | { type: "secretSent" }
  | { type: "staged"; connection: Connection }
  | { type: "checked"; connection: Connection }
  | { type: "registrationMode"; mode: "automatic" | "manual" }
  | { type: "registered"; connection: Connection }
  | { type: "issues"; issues: FieldIssue[] }
  | { type: "revealAll" };

export function initialWizardState(role: Role, editing: Connection | null = null): WizardState {
  const credential = editing?.credential;
  const cloud: Cloud = editing?.cloud ?? { kind: "global" };
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
      // The saved Expires date while it is still ahead (a past one would only be refused).
      secretExpires: credential?.kind === "secret" && credential.expiresAt && new Date(credential.expiresAt) > new Date() ? credential.expiresAt.slice(0, 10) : "",
      certificateThumbprint: credential?.kind === "certificate" ? credential.sha1Thumbprint : "",
      scopeGroup: editing?.mailboxScope?.group ?? "",
    },
    credentialKind: credential?.kind ?? "secret",
    cloudKind: cloud.kind,
    permissionProfile: editing?.permissionProfile ?? defaultProfile(cloud.kind),
    profileChosen: editing !== null,
    scoped: Boolean(editing?.mailboxScope),
    customCloud: cloud.kind === "custom" ? { loginUrl: cloud.loginUrl, graphUrl: cloud.graphUrl } : { loginUrl: "", graphUrl: "" },
    draftId: null,
    staged: null,
    secretDirty: false,
    registrationMode: "automatic",
    alreadySaved: false,
    touched: {},
    edited: {},
    issues: [],
    revealAll: false,
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case "next":
      return state.step === "registration" && state.registrationMode === "manual" ? { ...state, step: "details" } : state;
    case "back":
      // An automatically registered connection is saved: there are no details to go back to.
      if (state.step === "configuration") return state.alreadySaved ? state : { ...state, step: "details" };
      return state.step === "details" && !state.editing ? { ...state, step: "registration", revealAll: false } : state;
    case "cloud":
      return {
        ...profileFor(state, action.cloud.kind),
        cloudKind: action.cloud.kind,
        customCloud: action.cloud.kind === "custom" ? { loginUrl: action.cloud.loginUrl, graphUrl: action.cloud.graphUrl } : state.customCloud,
      };
    case "cloudKind":
      return { ...profileFor(state, action.kind), cloudKind: action.kind };
    case "permissionProfile":
      return { ...state, permissionProfile: action.profile, profileChosen: true };
    case "scoped":
      return { ...state, scoped: action.scoped };
    case "draft":
      return { ...state, draftId: action.draftId };
    case "validated":
      return { ...state, issues: action.state.issues };
    case "secretSent":
      return { ...state, secretDirty: false };
    case "staged":
      return { ...state, step: "configuration", staged: action.connection };
    case "checked":
      return { ...state, staged: action.connection };
    case "registrationMode":
      return { ...state, registrationMode: action.mode };
    case "registered":
      return { ...state, step: "configuration", staged: action.connection, alreadySaved: true };
    case "change":
      return {
        ...state,
        values: { ...state.values, [action.field]: action.value },
        edited: state.edited[action.field] ? state.edited : { ...state.edited, [action.field]: true },
        secretDirty: state.secretDirty || action.field === "clientSecret",
      };
    case "customCloud":
      return { ...state, customCloud: { ...state.customCloud, ...definedOnly(action) }, edited: { ...state.edited, cloud: true } };
    case "touch":
      // Tabbing through a field left empty and never typed in is not a mistake yet: it is
      // judged once it was edited, or on Next.
      if (state.touched[action.field] || untouchedAndEmpty(state, action.field)) return state;
      return { ...state, touched: { ...state.touched, [action.field]: true } };
    case "pasted":
      return { ...state, touched: { ...state.touched, [action.field]: true }, edited: { ...state.edited, [action.field]: true } };
    case "credentialKind":
      return { ...state, credentialKind: action.kind };
    case "issues":
      return { ...state, issues: action.issues };
    case "revealAll":
      return { ...state, revealAll: true };
  }
}

/** A field never typed in whose value is still empty (as it was when the step opened). */
function untouchedAndEmpty(state: WizardState, field: Field): boolean {
  if (state.edited[field]) return false;
  if (field === "cloud") return state.customCloud.loginUrl === "" && state.customCloud.graphUrl === "";
  return (state.values as Record<string, string | undefined>)[field]?.trim() === "";
}

/** Whether the editing connection already has a secret that an empty field keeps. */
export function keepsStoredSecret(state: WizardState): boolean {
  return state.editing?.credential.kind === "secret" && state.values.clientSecret.trim() === "";
}

/** The fields shown for the chosen credential. */
export function activeFields(state: WizardState): Field[] {
  const credentialFields: Field[] = state.credentialKind === "secret" ? ["clientSecret", "secretExpires"] : ["certificateThumbprint"];
  const cloud: Field[] = state.cloudKind === "custom" ? ["cloud"] : [];
  const scope: Field[] = state.scoped ? ["scopeGroup"] : [];
  return [...cloud, "name", "applicationMailbox", "clientId", "tenant", ...credentialFields, ...scope];
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

function definedOnly(action: { loginUrl?: string; graphUrl?: string }): Partial<WizardState["customCloud"]> {
  const out: Partial<WizardState["customCloud"]> = {};
  if (action.loginUrl !== undefined) out.loginUrl = action.loginUrl;
  if (action.graphUrl !== undefined) out.graphUrl = action.graphUrl;
  return out;
}

/** Full fidelity where Microsoft offers the mailbox export API (the Global cloud); a Custom cloud
 * may be a sovereign one, so it starts item level, as the core decides for the CLI. */
export function defaultProfile(cloud: CloudKind): PermissionProfile {
  return cloud === "global" ? "fullFidelity" : "itemLevel";
}

/** Microsoft's mailbox import and export API exists in the Global cloud only. */
export function profileOffered(profile: PermissionProfile, cloud: CloudKind): boolean {
  return profile === "itemLevel" || cloud === "global" || cloud === "custom";
}

/** On a change of cloud: that cloud's default, unless the admin chose one it offers. */
function profileFor(state: WizardState, cloud: CloudKind): WizardState {
  if (!state.profileChosen) return { ...state, permissionProfile: defaultProfile(cloud) };
  return profileOffered(state.permissionProfile, cloud) ? state : { ...state, permissionProfile: "itemLevel" };
}

export function chosenCloud(state: WizardState): Cloud {
  if (state.cloudKind === "custom") return { kind: "custom", ...state.customCloud };
  return { kind: state.cloudKind } as Cloud;
}

/** The fields the core validates, without the secret: that travels once, on its own. */
export function toFields(state: WizardState): DraftFields {
  const { values } = state;
  return {
    name: values.name,
    cloud: chosenCloud(state),
    tenant: values.tenant,
    clientId: values.clientId,
    applicationMailbox: values.applicationMailbox,
    permissionProfile: state.permissionProfile,
    ...(state.scoped ? { scopeGroup: values.scopeGroup } : {}),
    credential:
      state.credentialKind === "secret"
        ? values.secretExpires
          ? { kind: "secret", expiresOn: values.secretExpires }
          : { kind: "secret" }
        : { kind: "certificate", thumbprint: values.certificateThumbprint },
  };
}

/** Whether closing the wizard would lose something the admin did: a field typed in, or details
 * staged and not yet kept (an automatic registration saved its connection already). */
export function hasUnsavedWork(state: WizardState): boolean {
  return Object.values(state.edited).some(Boolean) || (state.staged !== null && !state.alreadySaved);
}
