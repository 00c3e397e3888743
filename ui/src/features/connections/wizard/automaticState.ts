// Progress of an automatic registration, from the core's events; free of React, tested alone.
import type { DeviceCodePrompt } from "../../../bindings/DeviceCodePrompt";
import type { RegistrationProgress } from "../../../bindings/RegistrationProgress";
import type { RegistrationStep } from "../../../bindings/RegistrationStep";
import type { StepState } from "../../../bindings/StepState";

// The steps and their titles are the core's (generated into the bindings).
import { REGISTRATION_STEPS } from "../../../bindings/words";
export { REGISTRATION_STEPS };

export interface StepView {
  step: RegistrationStep;
  title: string;
  state: StepState | "pending";
  detail: string;
}

export interface AutomaticState {
  phase: "idle" | "signingIn" | "choosing" | "registering" | "done" | "stopped";
  user: string | null;
  /** Where to sign in and the code to type, for a sign-in on another device. */
  deviceCode: DeviceCodePrompt | null;
  steps: StepView[];
}

export function initialAutomatic(): AutomaticState {
  return { phase: "idle", user: null, deviceCode: null, steps: REGISTRATION_STEPS.map(({ step, title }) => ({ step, title, state: "pending", detail: "" })) };
}

export type AutomaticAction =
  | { type: "start" }
  | { type: "progress"; progress: RegistrationProgress }
  /** Signed in, and earlier registrations to choose from. */
  | { type: "choose" }
  | { type: "done" }
  | { type: "stopped" };

export function automaticReducer(state: AutomaticState, action: AutomaticAction): AutomaticState {
  switch (action.type) {
    case "start":
      return { ...initialAutomatic(), phase: "signingIn" };
    case "choose":
      return { ...state, phase: "choosing" };
    case "done":
      return { ...state, phase: "done" };
    case "stopped":
      return { ...state, phase: "stopped" };
    case "progress": {
      const { progress } = action;
      if (progress.kind === "signingIn") return { ...state, phase: "signingIn" };
      if (progress.kind === "deviceCode") return { ...state, phase: "signingIn", deviceCode: progress.prompt };
      if (progress.kind === "signedIn") return { ...state, phase: "registering", user: progress.user };
      if (progress.kind === "rolledBack") return { ...state, phase: "done" };
      // Notes belong to a secret replacement, not to a registration's steps.
      if (progress.kind === "note") return state;
      const { event } = progress;
      return {
        ...state,
        phase: "registering",
        steps: state.steps.map((view) => (view.step === event.step ? { ...view, state: event.state, detail: event.detail } : view)),
      };
    }
  }
}

/** One sentence for the live region. */
export function automaticAnnouncement(state: AutomaticState): string {
  switch (state.phase) {
    case "idle":
      return "";
    case "signingIn":
      return state.deviceCode
        ? `Waiting for the sign-in with code ${state.deviceCode.userCode}.`
        : "Sign in in the browser window that opened, then come back here.";
    case "done":
      return "The application is registered and the connection saved.";
    case "stopped":
      return "The registration stopped.";
    case "choosing":
      return `Signed in as ${state.user ?? "the administrator"}. Mailferry is already registered in this tenant: choose what to do.`;
    case "registering": {
      const current = state.steps.find((s) => s.state === "started" || s.state === "waiting");
      if (!current) return `Signed in as ${state.user ?? "the administrator"}.`;
      return current.state === "waiting" ? `Waiting for Microsoft to replicate: ${current.detail}.` : `${current.title}…`;
    }
  }
}
