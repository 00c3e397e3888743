import { Spinner, Title2, makeStyles, tokens } from "@fluentui/react-components";
import { Suspense, useCallback, useEffect, useState } from "react";

import { api, type CommandError } from "../../api";
import type { Connection } from "../../bindings/Connection";
import type { Role } from "../../bindings/Role";
import { ErrorBar } from "../../components/ErrorBar";
import { useEscapeFromPage } from "../../components/useEscapeFromPage";
import { useReturnFocus } from "../../components/useReturnFocus";
import type { ManageRequest } from "../connections/manage/manageRequest";
import { AppToaster, useExportWithToast } from "../export/ExportToast";
import type { DemoStatus } from "../../bindings/DemoStatus";
import type { Job } from "../../bindings/Job";
import { DemoBanner } from "../demo/DemoBanner";
import { DemoCredentials } from "../demo/DemoCredentials";
import { DemoContext } from "../demo/demoContext";
import { TryDemoCard } from "../demo/TryDemoCard";
import { ConnectionsCard } from "./ConnectionsCard";
import { HowToStartCard } from "./HowToStartCard";
import { JobWizard, ManageConnectionsDialog, NetworkProxyDialog, useOpenedOnce } from "./lazyWindows";

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, padding: tokens.spacingHorizontalXXL },
  grid: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(360px, 1fr))", gap: tokens.spacingHorizontalL },
});

export function Dashboard() {
  const styles = useStyles();
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [manage, setManage] = useState<ManageRequest | null>(null);
  const [jobs, setJobs] = useState<Job[]>([]);
  /** The job wizard: undefined closed, null for a new job. */
  const [jobWizard, setJobWizard] = useState<Job | null | undefined>(undefined);
  const [proxyOpen, setProxyOpen] = useState(false);
  const [demo, setDemo] = useState<DemoStatus | null>(null);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<CommandError | null>(null);
  const [credentialsOpen, setCredentialsOpen] = useState(false);
  const exportWithToast = useExportWithToast();
  // Each window gives focus back to what opened it.
  useReturnFocus(manage !== null);
  useReturnFocus(jobWizard !== undefined);
  useReturnFocus(proxyOpen);
  useEscapeFromPage();
  const manageLoaded = useOpenedOnce(manage !== null);
  const jobWizardLoaded = useOpenedOnce(jobWizard !== undefined);

  const load = useCallback(async () => {
    try {
      const [connections, jobs] = await Promise.all([api.listConnections(), api.listJobs()]);
      setConnections(connections);
      setJobs(jobs);
      setLoadError(null);
    } catch (error) {
      setLoadError(error as CommandError);
    }
  }, []);

  useEffect(() => {
    // Not knowing is the same as not in the demo, without the offer to try it.
    api.demoStatus().then(setDemo, () => setDemo({ active: false, available: false, cloud: null, tenants: [] }));
  }, []);

  /** Try with a demo tenant, or Leave the demo: the other folder's connections and jobs. */
  const switchTo = async (toDemo: boolean) => {
    setSwitching(true);
    setSwitchError(null);
    try {
      const status = toDemo ? await api.enterDemo() : await api.leaveDemo();
      setDemo(status);
      setCredentialsOpen(false);
      setConnections(null);
      await load();
    } catch (error) {
      setSwitchError(error as CommandError);
    } finally {
      setSwitching(false);
    }
  };

  useEffect(() => {
    void load();
  }, [load]);

  const ofRole = (role: Role) => (connections ?? []).filter((c) => c.role === role);
  const empty = connections !== null && connections.length === 0 && jobs.length === 0;

  return (
    <DemoContext.Provider value={demo}>
      <main className={styles.page}>
        <Title2 as="h1">Mailferry</Title2>
        <DemoBanner
          busy={switching}
          credentialsOpen={credentialsOpen}
          onToggleCredentials={() => setCredentialsOpen((open) => !open)}
          onLeave={() => void switchTo(false)}
        />
        {switchError && (
          <ErrorBar error={switchError} title={demo?.active ? "The demo could not be left" : "The demo could not start"} />
        )}
        {credentialsOpen && <DemoCredentials />}
        {loadError && <ErrorBar error={loadError} title="Connections could not be loaded" />}
        {empty && demo?.available && !demo.active && <TryDemoCard busy={switching} onTry={() => void switchTo(true)} />}
        {connections === null && !loadError ? (
          <Spinner label="Loading connections…" />
        ) : (
          <>
            <HowToStartCard
              jobs={jobs}
              connections={connections ?? []}
              onCreate={() => setJobWizard(null)}
              onOpen={(job) => void api.getJob(job.id).then(setJobWizard, setLoadError)}
              onDelete={(job) => void api.deleteJob(job.id).then(() => load(), setLoadError)}
              onRename={async (job, name) => {
                try {
                  await api.renameJob(job.id, name);
                  await load();
                } catch (failure) {
                  setLoadError(failure as CommandError);
                }
              }}
            />
            <div className={styles.grid}>
              {(["source", "target"] as const).map((role) => (
                <ConnectionsCard
                  key={role}
                  role={role}
                  connections={ofRole(role)}
                  onManage={setManage}
                  onExport={(ids) => void exportWithToast(ids, role)}
                  onNetworkProxy={() => setProxyOpen(true)}
                  onChanged={() => void load()}
                />
              ))}
            </div>
          </>
        )}
        {/* Nothing is shown while a window's code loads: it comes from the app's own files
            in a few milliseconds. */}
        <Suspense fallback={null}>
          {/* A new window each time, so nothing of the last opening (focus, typed values) stays. */}
          {proxyOpen && <NetworkProxyDialog open onClose={() => setProxyOpen(false)} />}
          {manageLoaded && (
            <ManageConnectionsDialog
              request={manage}
              onClose={(saved) => {
                setManage(null);
                // Without OK, an automatic registration may still have saved a connection.
                if (saved) setConnections(saved);
                else void load();
              }}
            />
          )}
          {jobWizardLoaded && (
            <JobWizard
              open={jobWizard !== undefined}
              job={jobWizard ?? null}
              connections={connections ?? []}
              onConnectionAdded={(connection) => setConnections((list) => [...(list ?? []).filter((c) => c.id !== connection.id), connection])}
              onClose={() => {
                setJobWizard(undefined);
                void load();
              }}
            />
          )}
        </Suspense>
        <AppToaster />
      </main>
    </DemoContext.Provider>
  );
}
