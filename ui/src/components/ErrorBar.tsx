import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";

import type { CommandError } from "../api";

/** A failed action: what happened, then what to do. */
export function ErrorBar({ error, title }: { error: CommandError; title?: string }) {
  return (
    <MessageBar intent="error" layout="multiline" role="alert">
      <MessageBarBody>
        {title && <MessageBarTitle>{title}</MessageBarTitle>}
        {error.message}
        {error.detail.hint && <div>{error.detail.hint}</div>}
      </MessageBarBody>
    </MessageBar>
  );
}
