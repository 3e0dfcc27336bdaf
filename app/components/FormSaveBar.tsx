// App Bridge's contextual save bar over a form with unsaved changes (a Built for Shopify requirement):
// Shopify draws it above the admin and blocks leaving the page while it shows.
import { SaveBar } from "@shopify/app-bridge-react";

// App Bridge reads the Save button by this attribute; React's <button> type does not know it.
const PRIMARY = { variant: "primary" } as Record<string, string>;

export function FormSaveBar({
  id,
  open,
  saving,
  onSave,
  onDiscard,
}: {
  id: string;
  open: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
}) {
  return (
    <SaveBar id={id} open={open}>
      <button {...PRIMARY} {...(saving ? { loading: "" } : {})} onClick={onSave}>
        Save
      </button>
      <button onClick={onDiscard} disabled={saving}>
        Discard
      </button>
    </SaveBar>
  );
}
