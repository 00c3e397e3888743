import { Button, Input, type InputProps } from "@fluentui/react-components";
import { EyeOffRegular, EyeRegular } from "@fluentui/react-icons";
import { forwardRef, useState } from "react";

/**
 * A masked field made for pasting a client secret: no autocomplete, spell check or
 * autocapitalisation, and a show/hide toggle.
 */
export const SecretField = forwardRef<HTMLInputElement, Omit<InputProps, "type">>(function SecretField(props, ref) {
  const [shown, setShown] = useState(false);
  return (
    <Input
      {...props}
      ref={ref}
      type={shown ? "text" : "password"}
      autoComplete="off"
      spellCheck={false}
      autoCapitalize="off"
      autoCorrect="off"
      contentAfter={
        <Button
          appearance="transparent"
          size="small"
          icon={shown ? <EyeOffRegular /> : <EyeRegular />}
          aria-label={shown ? "Hide secret" : "Show secret"}
          aria-pressed={shown}
          onClick={() => setShown((s) => !s)}
        />
      }
    />
  );
});
