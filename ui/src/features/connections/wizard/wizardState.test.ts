import { describe, expect, it } from "vitest";

import type { FieldIssue } from "../../../bindings/FieldIssue";
import { aConnection } from "../../../test/fixtures";
import {
  firstInvalidField,
  initialWizardState,
  keepsStoredSecret,
  toFields,
  visibleIssue,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from "./wizardState";

const run = (state: WizardState, ...actions: WizardAction[]) => actions.reduce(wizardReducer, state);

const clientIdIssue: FieldIssue = { field: "clientId", message: "Application (client) ID: this is not a GUID", hint: "Overview page" };
const secretIssue: FieldIssue = { field: "clientSecret", message: "Client secret: this looks like the Secret ID", hint: "Value column" };

const saved = aConnection();

describe("the connection wizard's state", () => {
  it("walks from registration to details and back, for a manual registration only", () => {
    const start = initialWizardState("source");
    expect(start.step).toBe("registration");
    expect(start.registrationMode).toBe("automatic");
    expect(run(start, { type: "next" }).step).toBe("registration");
    const details = run(start, { type: "registrationMode", mode: "manual" }, { type: "next" });
    expect(details.step).toBe("details");
    expect(run(details, { type: "next" }).step).toBe("details");
    expect(run(details, { type: "back" }).step).toBe("registration");
  });

  it("goes from an automatic registration straight to Configuration, with no way back to details", () => {
    const registered = run(initialWizardState("source"), { type: "registered", connection: saved });
    expect(registered).toMatchObject({ step: "configuration", staged: saved, alreadySaved: true });
    expect(run(registered, { type: "back" }).step).toBe("configuration");
  });

  it("starts full fidelity in the Global cloud, follows the cloud until the admin chooses, and never keeps a profile the cloud lacks", () => {
    const start = initialWizardState("source");
    expect(start.permissionProfile).toBe("fullFidelity");
    expect(toFields(start).permissionProfile).toBe("fullFidelity");
    // Until chosen, the profile is the cloud's default.
    expect(run(start, { type: "cloudKind", kind: "gccHigh" }).permissionProfile).toBe("itemLevel");
    expect(run(start, { type: "cloudKind", kind: "gccHigh" }, { type: "cloudKind", kind: "global" }).permissionProfile).toBe("fullFidelity");
    // A choice is kept across clouds that offer it...
    const chosen = run(start, { type: "permissionProfile", profile: "itemLevel" }, { type: "cloudKind", kind: "global" });
    expect(chosen.permissionProfile).toBe("itemLevel");
    const custom = run(start, { type: "permissionProfile", profile: "fullFidelity" }, { type: "cloudKind", kind: "custom" });
    expect(custom.permissionProfile).toBe("fullFidelity");
    // ...but full fidelity does not survive a move to a cloud without Microsoft's export API.
    expect(run(custom, { type: "cloudKind", kind: "china" }).permissionProfile).toBe("itemLevel");
    // An edited connection keeps its own profile whatever the cloud's default.
    const edit = initialWizardState("source", aConnection({ permissionProfile: "itemLevel" }));
    expect(run(edit, { type: "cloud", cloud: { kind: "global" } }).permissionProfile).toBe("itemLevel");
  });

  it("sends the scope group only while the connection is limited to a group, and judges it only then", () => {
    const typed = run(initialWizardState("source"), { type: "change", field: "scopeGroup", value: "wave1@contoso.com" });
    expect(toFields(typed).scopeGroup).toBeUndefined();
    const scoped = run(typed, { type: "scoped", scoped: true });
    expect(toFields(scoped).scopeGroup).toBe("wave1@contoso.com");
    const issue: FieldIssue = { field: "scopeGroup", message: "Scope group: this is neither", hint: "Groups" };
    const judged = run(scoped, { type: "issues", issues: [issue] }, { type: "revealAll" });
    expect(visibleIssue(judged, "scopeGroup")).toEqual(issue);
    expect(visibleIssue(run(judged, { type: "scoped", scoped: false }), "scopeGroup")).toBeUndefined();
    // An edited scoped connection opens limited to its group.
    const edit = initialWizardState("source", aConnection({ mailboxScope: { group: "wave1@contoso.com", displayName: "Wave 1" } }));
    expect(edit).toMatchObject({ scoped: true, values: { scopeGroup: "wave1@contoso.com" } });
  });

  it("opens an edit on the details step and never goes back to a registration choice", () => {
    const edit = initialWizardState("source", saved);
    expect(edit.step).toBe("details");
    expect(edit.values.clientId).toBe(saved.clientId);
    expect(run(edit, { type: "back" }).step).toBe("details");
  });

  it("shows a field's problem only after the field was left, or after a Finish attempt", () => {
    const withIssues = run(initialWizardState("source"), { type: "next" }, { type: "issues", issues: [clientIdIssue, secretIssue] });
    expect(visibleIssue(withIssues, "clientId")).toBeUndefined();
    const typed = run(withIssues, { type: "change", field: "clientId", value: "abc" });
    expect(visibleIssue(typed, "clientId")).toBeUndefined();
    expect(visibleIssue(run(typed, { type: "touch", field: "clientId" }), "clientId")).toEqual(clientIdIssue);
    const attempted = run(withIssues, { type: "revealAll" });
    expect(visibleIssue(attempted, "clientSecret")).toEqual(secretIssue);
    expect(firstInvalidField(attempted)).toBe("clientId");
  });

  it("does not judge a field the admin only tabbed through, empty, but does once it was typed in and emptied", () => {
    const required: FieldIssue = { field: "clientId", message: "Application (client) ID is required", hint: "Overview page" };
    const details = run(initialWizardState("source"), { type: "registrationMode", mode: "manual" }, { type: "next" }, { type: "issues", issues: [required] });
    expect(visibleIssue(run(details, { type: "touch", field: "clientId" }), "clientId")).toBeUndefined();
    const emptied = run(details, { type: "change", field: "clientId", value: "1" }, { type: "change", field: "clientId", value: "" }, { type: "touch", field: "clientId" });
    expect(visibleIssue(emptied, "clientId")).toEqual(required);
    expect(visibleIssue(run(details, { type: "revealAll" }), "clientId")).toEqual(required);
    // Editing: the values were there already, so leaving a field judges it.
    const edit = run(initialWizardState("source", saved), { type: "issues", issues: [required] }, { type: "touch", field: "clientId" });
    expect(visibleIssue(edit, "clientId")).toEqual(required);
  });

  it("ignores the problems of the credential that is not chosen", () => {
    const certificate = run(
      initialWizardState("source"),
      { type: "issues", issues: [secretIssue] },
      { type: "revealAll" },
      { type: "credentialKind", kind: "certificate" },
    );
    expect(visibleIssue(certificate, "clientSecret")).toBeUndefined();
    expect(firstInvalidField(certificate)).toBeUndefined();
  });

  it("never puts the secret in the fields it sends on every pause, and notes when it changed", () => {
    const edit = initialWizardState("source", saved);
    expect(keepsStoredSecret(edit)).toBe(true);
    const replaced = run(edit, { type: "change", field: "clientSecret", value: "new~value" });
    expect(toFields(replaced).credential).toEqual({ kind: "secret" });
    expect(JSON.stringify(toFields(replaced))).not.toContain("new~value");
    expect(replaced.secretDirty).toBe(true);
    expect(keepsStoredSecret(replaced)).toBe(false);
    expect(run(replaced, { type: "secretSent" }).secretDirty).toBe(false);
    expect(run(edit, { type: "change", field: "name", value: "x" }).secretDirty).toBe(false);
  });

  it("builds certificate fields from the thumbprint field", () => {
    const fields = toFields(
      run(
        initialWizardState("target"),
        { type: "credentialKind", kind: "certificate" },
        { type: "change", field: "certificateThumbprint", value: "3b 7e" },
      ),
    );
    expect(fields).toMatchObject({ credential: { kind: "certificate", thumbprint: "3b 7e" } });
  });

  it("takes the core's answer as the issues to show", () => {
    const answered = run(initialWizardState("source"), {
      type: "validated",
      state: { draftId: "d", issues: [clientIdIssue], connection: null },
    });
    expect(answered.issues).toEqual([clientIdIssue]);
  });
});
