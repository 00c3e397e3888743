import { Spinner, Title2, makeStyles, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";

import { api, type CommandError } from "../../api";
import type { Connection } from "../../bindings/Connection";
import type { Role } from "../../bindings/Role";
import { ErrorBar } from "../../components/ErrorBar";
import { ManageConnectionsDialog } from "../connections/manage/ManageConnectionsDialog";
import { AppToaster, useExportWithToast } from "../export/ExportToast";
import { ConnectionsCard } from "./ConnectionsCard";
import { HowToStartCard } from "./HowToStartCard";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, padding: tokens.spacingHorizontalXXL },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(360px, 1fr))", gap: tokens.spacingHorizontalL },
});

/** What the Manage connections window opens with. */
export interface ManageRequest {
  role: Role;
  /** Open the wizard at once: for a new connection (null) or to edit one. */
  wizard?: { editing: Connection | null };
}

export function Dashboard() {
  const styles = useStyles();
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [manage, setManage] = useState<ManageRequest | null>(null);
  const exportWithToast = useExportWithToast();

  const load = useCallback(async () => {
    try {
      setConnections(await api.listConnections());
      setLoadError(null);
    } catch (error) {
      setLoadError(error as CommandError);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const ofRole = (role: Role) => (connections ?? []).filter((c) => c.role === role);

  return (
    <main className={styles.page}>
      <Title2 as="h1">Mailferry</Title2>
      {loadError && <ErrorBar error={loadError} title="Connections could not be loaded" />}
      {connections === null && !loadError ? (
        <Spinner label="Loading connections…" />
      ) : (
        <>
          <HowToStartCard hasSourceConnection={ofRole("source").length > 0} />
          <div className={styles.grid}>
            {(["source", "target"] as const).map((role) => (
              <ConnectionsCard
                key={role}
                role={role}
                connections={ofRole(role)}
                onManage={setManage}
                onExport={(ids) => void exportWithToast(ids, role)}
              />
            ))}
          </div>
        </>
      )}
      <ManageConnectionsDialog
        request={manage}
        saved={manage ? ofRole(manage.role) : []}
        onClose={(saved) => {
          setManage(null);
          // Without OK, an automatic registration may still have saved a connection.
          if (saved) setConnections(saved);
          else void load();
        }}
      />
      <AppToaster />
    </main>
  );
}
