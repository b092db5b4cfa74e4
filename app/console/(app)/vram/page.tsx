import { requireConsoleSession } from "../../_lib/session";
import { VramView } from "./vram-view";

export default async function Page() {
  await requireConsoleSession();
  return <VramView />;
}
