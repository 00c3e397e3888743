import {
  Button,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogTitle,
  Spinner,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useReducer, useRef, useState } from "react";

import { api, type CommandError } from "../../../api";
import type { Connection } from "../../../bindings/Connection";
import type { Field } from "../../../bindings/Field";
import type { Role } from "../../../bindings/Role";
import { ErrorBar } from "../../../components/ErrorBar";
import { ConfigurationStep } from "./ConfigurationStep";
import { DetailsStep } from "./DetailsStep";
import { RegistrationStep } from "./RegistrationStep";
import { WizardStepper } from "./WizardStepper";
import { useFocusOnMount } from "../../../components/useFocusOnMount";
import { firstInvalidField, initialWizardState, toDraft, wizardReducer } from "./wizardState";

/** Finish needs a check run of these details in which nothing failed. */
function canFinish(connection: Connection | null): boolean {
  return !!connection?.lastCheck && connection.lastCheck.outcome !== "failed";
}

/** How long typing must pause before the details are checked. */
export const VALIDATION_DELAY_MS = 150;

const useStyles = makeStyles({
  content: { display: "grid", gap: tokens.spacingVerticalL },
});

/**
 * The connection wizard, shown inside the Manage connections window in place of its list
 * (one modal surface at a time: nested modals confuse focus management and screen readers).
 */
interface Props {
  role: Role;
  editing: Connection | null;
  /** The connection, validated and staged by the core (its secret stays in the core), or
   * already saved by an automatic registration. */
  onFinish: (connection: Connection, alreadySaved: boolean) => void;
  onCancel: () => void;
}

export function ConnectionWizard({ role, editing, onFinish, onCancel }: Props) {
  const styles = useStyles();
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const [state, dispatch] = useReducer(wizardReducer, undefined, () => initialWizardState(role, editing));
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const fieldRefs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  // Live validation by the core, after a short pause in typing; stale answers are dropped.
  useEffect(() => {
    if (state.step !== "details") return;
    let current = true;
    const timer = setTimeout(() => {
      api.validateConnectionDraft(toDraft(state)).then(
        (issues) => current && dispatch({ type: "issues", issues }),
        (failure: CommandError) => current && setError(failure),
      );
    }, VALIDATION_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- re-check exactly when the input changes
  }, [state.step, state.values, state.credentialKind, state.cloudKind, state.customCloud]);

  // A new connection starts in the environment's cloud (a Custom cloud for sovereign or test setups).
  useEffect(() => {
    if (editing) return;
    api.defaultCloud().then(
      (cloud) => dispatch({ type: "cloud", cloud }),
      () => undefined,
    );
  }, [editing]);

  const stageDetails = async () => {
    dispatch({ type: "revealAll" });
    setBusy(true);
    setError(null);
    try {
      dispatch({ type: "staged", connection: await api.stageConnection(toDraft(state)) });
      setBusy(false);
    } catch (failure) {
      const commandError = failure as CommandError;
      if (commandError.code === "invalid" && commandError.detail.issues.length > 0) {
        dispatch({ type: "issues", issues: commandError.detail.issues });
        const first = firstInvalidField({ ...state, issues: commandError.detail.issues });
        if (first) fieldRefs.current[first]?.focus();
      } else {
        setError(commandError);
      }
      setBusy(false);
    }
  };

  const staged = state.staged;
  const title = `${editing ? "Edit" : "New"} Office 365 ${role} connection`;
  return (
    <DialogBody>
      <DialogTitle ref={titleRef} tabIndex={-1}>
        {title}
      </DialogTitle>
      <DialogContent className={styles.content}>
        <WizardStepper current={state.step} />
        {state.step === "registration" && (
          <RegistrationStep
            state={state}
            dispatch={dispatch}
            onRunningChange={setChecking}
            onRegistered={(connection) => dispatch({ type: "registered", connection })}
          />
        )}
        {state.step === "details" && <DetailsStep state={state} dispatch={dispatch} fieldRefs={fieldRefs} />}
        {state.step === "configuration" && staged && (
          <ConfigurationStep
            connection={staged}
            onRun={(run) => dispatch({ type: "checked", connection: run.connection })}
            onRunningChange={setChecking}
          />
        )}
        {error && <ErrorBar error={error} title="The connection could not be prepared" />}
      </DialogContent>
      <DialogActions>
        {busy && <Spinner size="tiny" label="Checking the details…" />}
        {((state.step === "details" && !editing) || (state.step === "configuration" && !state.alreadySaved)) && (
          <Button onClick={() => dispatch({ type: "back" })} disabled={busy || checking}>
            Back
          </Button>
        )}
        {state.step === "registration" && state.registrationMode === "manual" && (
          <Button appearance="primary" onClick={() => dispatch({ type: "next" })}>
            Next
          </Button>
        )}
        {state.step === "details" && (
          <Button appearance="primary" onClick={() => void stageDetails()} disabled={busy}>
            Next
          </Button>
        )}
        {state.step === "configuration" && (
          <Button appearance="primary" onClick={() => staged && onFinish(staged, state.alreadySaved)} disabled={!canFinish(staged) || checking}>
            Finish
          </Button>
        )}
        <Button
          onClick={() => {
            if (checking && staged) void api.cancelCheck(staged.id).catch(() => undefined);
            onCancel();
          }}
          disabled={busy || (checking && state.step === "registration")}
        >
          Cancel
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
