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
import { ShortCertificateNote } from "./ShortCertificateNote";
import { WizardStepper } from "./WizardStepper";
import { DiscardPrompt, useEscapeToDiscard } from "../../../components/DiscardPrompt";
import { StepHeading } from "../../../components/StepHeading";
import { useFocusOnMount } from "../../../components/useFocusOnMount";
import { WIZARD_STEPS, firstInvalidField, hasUnsavedWork, initialWizardState, toFields, wizardReducer } from "./wizardState";

/** Finish needs a check run of these details in which nothing failed. */
function canFinish(connection: Connection | null): boolean {
  return !!connection?.lastCheck && connection.lastCheck.outcome !== "failed";
}

/** How long typing must pause before the details are checked. */
export const VALIDATION_DELAY_MS = 150;

const useStyles = makeStyles({
  // One height for every step and choice (the window's 24px padding around it), as tall as
  // the Automatic panel wants: a centred window that changed height would jump.
  body: { height: "min(852px, calc(100vh - 48px))" },
  content: {
    display: "grid",
    gap: tokens.spacingVerticalL,
    alignContent: "start",
    // GTK's overlay scrollbar is drawn over the content: the inputs' right edge stays clear of it.
    paddingRight: tokens.spacingHorizontalM,
  },
});

/**
 * The connection wizard, shown inside the Manage connections window in place of its list
 * (one modal surface at a time: nested modals confuse focus management and screen readers).
 */
interface Props {
  /** The core's edit session the wizard's draft lives in. */
  sessionId: string;
  role: Role;
  editing: Connection | null;
  /** The connection, kept in the session by the core (its secret stays in the core), or
   * already saved by an automatic registration. */
  onFinish: (connection: Connection, alreadySaved: boolean) => void;
  onCancel: () => void;
}

export function ConnectionWizard({ sessionId, role, editing, onFinish, onCancel }: Props) {
  const styles = useStyles();
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const [state, dispatch] = useReducer(wizardReducer, undefined, () => initialWizardState(role, editing));
  const [busy, setBusy] = useState(false);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const staged = state.staged;
  const fieldRefs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});

  const { draftId } = state;
  // The wizard edits a draft of the session: of the connection being edited, or a new one.
  useEffect(() => {
    let current = true;
    api.startDraft(sessionId, editing?.id ?? null).then(
      (id) => current && dispatch({ type: "draft", draftId: id }),
      (failure: CommandError) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [sessionId, editing]);
  // However the wizard closes (Finish, Cancel, Escape), its working copy goes; what Finish
  // kept stays in the session.
  useEffect(
    () => () => {
      if (draftId) void api.dropDraft(sessionId, draftId).catch(() => undefined);
    },
    [sessionId, draftId],
  );

  // Live validation by the core, after a short pause in typing; stale answers are dropped.
  // The fields only: the secret is not sent again on every pause.
  const fields = JSON.stringify(toFields(state));
  useEffect(() => {
    if (state.step !== "details" || !draftId) return;
    let current = true;
    const timer = setTimeout(() => {
      api.putDraft(sessionId, draftId, JSON.parse(fields)).then(
        (answer) => current && dispatch({ type: "validated", state: answer }),
        (failure: CommandError) => current && setError(failure),
      );
    }, VALIDATION_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [sessionId, draftId, state.step, fields]);

  // A new connection starts in the environment's cloud (a Custom cloud for sovereign or test setups).
  useEffect(() => {
    if (editing) return;
    api.defaultCloud().then(
      (cloud) => dispatch({ type: "cloud", cloud }),
      () => undefined,
    );
  }, [editing]);

  // The secret goes to the core once per entry: when the field is left or a paste lands.
  const secretSent = useRef<Promise<unknown>>(Promise.resolve());
  // The value on its way: a blur and the click that caused it must not send it twice.
  const sending = useRef<string | null>(null);
  const sendSecret = () => {
    if (!draftId || !state.secretDirty || sending.current === state.values.clientSecret) return secretSent.current;
    sending.current = state.values.clientSecret;
    dispatch({ type: "secretSent" });
    secretSent.current = api.putSecret(sessionId, draftId, state.values.clientSecret).then(
      (answer) => dispatch({ type: "validated", state: answer }),
      (failure: CommandError) => setError(failure),
    );
    return secretSent.current;
  };
  const pasted = useRef(false);
  useEffect(() => {
    if (!pasted.current) return;
    pasted.current = false;
    void sendSecret();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once the pasted value is in the field
  }, [state.values.clientSecret]);

  const stageDetails = async () => {
    if (!draftId) return;
    dispatch({ type: "revealAll" });
    setBusy(true);
    setError(null);
    try {
      await sendSecret();
      const answer = await api.putDraft(sessionId, draftId, toFields(state));
      dispatch({ type: "validated", state: answer });
      if (answer.connection && answer.issues.length === 0) {
        dispatch({ type: "staged", connection: answer.connection });
      } else {
        const first = firstInvalidField({ ...state, issues: answer.issues });
        if (first) fieldRefs.current[first]?.focus();
      }
    } catch (failure) {
      setError(failure as CommandError);
    }
    setBusy(false);
  };

  const finish = async () => {
    if (!staged) return;
    setError(null);
    try {
      // An automatic registration saved its connection already; its draft was never used.
      if (!state.alreadySaved && draftId) await api.keepDraft(sessionId, draftId);
      onFinish(staged, state.alreadySaved);
    } catch (failure) {
      setError(failure as CommandError);
    }
  };

  const cancel = () => {
    if (checking && staged) void api.cancelCheck(staged.id).catch(() => undefined);
    onCancel();
  };
  const cancelDisabled = busy || (checking && state.step === "registration");

  // Escape is the wizard's alone (the window around it stays).
  const escape = useEscapeToDiscard({ busy: cancelDisabled, unsaved: hasUnsavedWork(state), close: cancel });
  const stepIndex = WIZARD_STEPS.findIndex((s) => s.step === state.step);

  const title = `${editing ? "Edit" : "New"} Office 365 ${role} connection`;
  return (
    <DialogBody className={styles.body} onKeyDown={escape.onKeyDown}>
      <DialogTitle ref={titleRef} tabIndex={-1}>
        {title}
      </DialogTitle>
      <DialogContent className={styles.content}>
        <WizardStepper current={state.step} />
        <StepHeading key={state.step} index={stepIndex + 1} count={WIZARD_STEPS.length} title={WIZARD_STEPS[stepIndex].title} />
        {state.step === "registration" && (
          <RegistrationStep
            state={state}
            dispatch={dispatch}
            onRunningChange={setChecking}
            onRegistered={(connection) => dispatch({ type: "registered", connection })}
          />
        )}
        {state.step === "details" && (
          <DetailsStep
            state={state}
            dispatch={dispatch}
            fieldRefs={fieldRefs}
            onSecretLeft={() => void sendSecret()}
            onSecretPasted={() => {
              pasted.current = true;
            }}
          />
        )}
        {state.step === "configuration" && staged && state.alreadySaved && <ShortCertificateNote connection={staged} />}
        {state.step === "configuration" && staged && (
          <ConfigurationStep
            sessionId={sessionId}
            connection={staged}
            onRun={(run) => dispatch({ type: "checked", connection: run.connection })}
            onRunningChange={setChecking}
          />
        )}
        {error && <ErrorBar error={error} title="The connection could not be prepared" />}
        {escape.asking && (
          <DiscardPrompt
            question={editing ? "Discard your changes to this connection?" : "Discard the connection you were setting up?"}
            detail="What you typed is lost; nothing was saved."
            onKeep={escape.keep}
            onDiscard={cancel}
          />
        )}
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
          <Button appearance="primary" onClick={() => void stageDetails()} disabled={busy || !draftId}>
            Next
          </Button>
        )}
        {state.step === "configuration" && (
          <Button appearance="primary" onClick={() => void finish()} disabled={!canFinish(staged) || checking}>
            Finish
          </Button>
        )}
        <Button onClick={cancel} disabled={cancelDisabled}>
          Cancel
        </Button>
      </DialogActions>
    </DialogBody>
  );
}
