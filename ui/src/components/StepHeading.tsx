import { Text } from "@fluentui/react-components";

import { useFocusOnMount } from "./useFocusOnMount";

interface Props {
  /** 1-based. */
  index: number;
  count: number;
  title: string;
  /** False when focus belongs elsewhere as the step appears (back from a nested window). */
  takeFocus?: boolean;
}

/**
 * A wizard step's heading, focused when the step appears: the button that led here (Next,
 * Back) is gone, and focus must not fall to the page, so a keyboard user stays in the window
 * and a screen reader says where they are ("Step 2 of 3: Application details"). Rendered with
 * the step as its key, so each step change mounts it again. On the window's first step the
 * window's title takes focus instead (its effect runs after this one).
 */
export function StepHeading({ index, count, title, takeFocus = true }: Props) {
  const ref = useFocusOnMount<HTMLHeadingElement>(takeFocus);
  return (
    <Text as="h3" ref={ref} tabIndex={-1} weight="semibold" size={400} style={{ margin: 0, outlineOffset: "2px" }}>
      Step {index} of {count}: {title}
    </Text>
  );
}
