import { Text, makeStyles, tokens } from "@fluentui/react-components";

import { WIZARD_STEPS, type WizardStep } from "./wizardState";

const useStyles = makeStyles({
  list: { display: "flex", gap: tokens.spacingHorizontalL, listStyle: "none", margin: 0, padding: 0 },
  step: { display: "flex", gap: tokens.spacingHorizontalXS, alignItems: "center", color: tokens.colorNeutralForeground3 },
  current: { color: tokens.colorBrandForeground1 },
  number: {
    display: "inline-grid",
    placeItems: "center",
    width: "24px",
    height: "24px",
    borderRadius: tokens.borderRadiusCircular,
    border: `1px solid currentColor`,
  },
});

export function WizardStepper({ current }: { current: WizardStep }) {
  const styles = useStyles();
  return (
    <ol className={styles.list} role="list" aria-label="Wizard steps">
      {WIZARD_STEPS.map(({ step, title }, index) => {
        const isCurrent = step === current;
        return (
          <li key={step} className={isCurrent ? `${styles.step} ${styles.current}` : styles.step} aria-current={isCurrent ? "step" : undefined}>
            <span className={styles.number} aria-hidden>
              {index + 1}
            </span>
            <Text weight={isCurrent ? "semibold" : "regular"}>{title}</Text>
          </li>
        );
      })}
    </ol>
  );
}
