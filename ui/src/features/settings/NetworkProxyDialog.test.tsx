import { TestFluent } from "../../test/TestFluent";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { installFakeCore } from "../../test/fakeCore";
import { findDialog } from "../../test/dialogs";
import { Dashboard } from "../dashboard/Dashboard";
import { proxyChange } from "./proxyForm";

async function openProxyWindow() {
  render(
    <TestFluent>
      <Dashboard />
    </TestFluent>,
  );
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { hidden: true, name: "Settings for source connections" }));
  await user.click(await screen.findByRole("menuitem", { hidden: true, name: "Network proxy…" }));
  await findDialog("Network proxy");
  await screen.findByRole("textbox", { hidden: true, name: /Proxy URL/ });
  return user;
}

describe("Settings > Network proxy", () => {
  it("saves a proxy with its user name and password", async () => {
    const core = installFakeCore();
    const user = await openProxyWindow();
    await user.type(screen.getByRole("textbox", { hidden: true, name: /Proxy URL/ }), "http://proxy.contoso.com:8080");
    const password = screen.getByLabelText(/^Password/);
    expect(password).toBeDisabled();
    await user.type(screen.getByRole("textbox", { hidden: true, name: /User name/ }), "migration");
    await user.type(password, "Pr0xy-pass");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true, name: "Network proxy" })).not.toBeInTheDocument());
    expect(core.proxy).toEqual({ url: "http://proxy.contoso.com:8080", username: "migration", password: "Pr0xy-pass" });
  });

  it("keeps the stored password when it is not retyped, and says it is kept", async () => {
    const core = installFakeCore();
    core.proxy = { url: "http://proxy.contoso.com:8080", username: "migration", password: "kept" };
    const user = await openProxyWindow();
    expect(screen.getByRole("textbox", { hidden: true, name: /Proxy URL/ })).toHaveValue("http://proxy.contoso.com:8080");
    expect(screen.getByText("Kept in the OS keychain. Type a new one to replace it.")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toHaveValue("");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { hidden: true, name: "Network proxy" })).not.toBeInTheDocument());
    expect(core.proxy.password).toBe("kept");
  });

  it("shows the core's refusal and stays open with what was typed", async () => {
    installFakeCore();
    const user = await openProxyWindow();
    const url = screen.getByRole("textbox", { hidden: true, name: /Proxy URL/ });
    await user.type(url, "http://someone:pw@proxy.contoso.com:8080");
    await user.click(screen.getByRole("button", { hidden: true, name: "Save" }));
    expect(await screen.findByText("The proxy URL must not hold a user name or password.")).toBeInTheDocument();
    expect(screen.getByText("Type them in their own fields.")).toBeInTheDocument();
    expect(url).toHaveValue("http://someone:pw@proxy.contoso.com:8080");
  });

  it("goes back to the system's proxy in one click", async () => {
    const core = installFakeCore();
    core.proxy = { url: "http://proxy.contoso.com:8080", username: null, password: null };
    const user = await openProxyWindow();
    await user.click(screen.getByRole("button", { hidden: true, name: "Use the system's proxy" }));
    await waitFor(() => expect(core.proxy.url).toBeNull());
  });
});

describe("proxyChange", () => {
  it("keeps an untouched password, and keeps none without a user name", () => {
    expect(proxyChange({ url: " http://p:1 ", username: " u ", password: null })).toEqual({ url: "http://p:1", username: "u", password: null });
    expect(proxyChange({ url: "http://p:1", username: "", password: "x" })).toEqual({ url: "http://p:1", username: "", password: "" });
  });
});
