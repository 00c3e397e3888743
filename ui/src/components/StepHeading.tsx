import { Text } from "@fluentui/react-components";

import { useFocusOnMount } from "./useFocusOnMount";

interface Props {
  /** 1-based. */
  index: number;
  count: number;
  title: string;
}

/**
 * A wizard step's heading, focused when the step appears: the button that led here (Next,
 * Back) is gone, and focus must not fall to the page, so a keyboard user stays in the window
 * and a screen reader says where they are ("Step 2 of 3: Application details"). Rendered with
 * the step as its key, so each step change mounts it again. On the window's first step the
 * window's title takes focus instead (its effect runs after this one).
 */
export function StepHeading({ index, count, title }: Props) {
  const ref = useFocusOnMount<HTMLHeadingElement>();
  return (
    <Text as="h3" ref={ref} tabIndex={-1} weight="semibold" size={400} style={{ margin: 0, outlineOffset: "2px" }}>
      Step {index} of {count}: {title}
    </Text>
  );
}
