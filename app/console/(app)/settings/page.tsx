import { requireConsoleSession } from "../../_lib/session";
import { SettingsView } from "./settings-view";

export default async function Page() {
  await requireConsoleSession();
  return <SettingsView />;
}
