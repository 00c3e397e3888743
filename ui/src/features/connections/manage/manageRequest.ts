// What the Manage connections window opens with: asked for by the dashboard's cards, read by
// the window. Its own module, so that neither imports the other for it.
import type { Connection } from "../../../bindings/Connection";
import type { Role } from "../../../bindings/Role";

export interface ManageRequest {
  role: Role;
  /** Open the wizard at once: for a new connection (null) or to edit one. */
  wizard?: { editing: Connection | null };
}
