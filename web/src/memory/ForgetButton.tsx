// Forgets one memory item (DELETE /api/v1/memory/{session} {"ids": [id]}) after a confirmation,
// then tells the page so it can drop the item from what it shows; a failure shows as a toast.
import { call, ApiError } from '../api/client';
import { ConfirmButton, useToast } from '../components';

export function ForgetButton({ session, id, preview, onForgotten }: {
  session: string;
  id: string;
  /** A few words of the item, for the accessible name and the notice. */
  preview: string;
  onForgotten: (id: string) => void;
}) {
  const notify = useToast();
  return (
    <ConfirmButton
      label="Forget"
      confirmLabel="Confirm forget"
      ariaLabel={`Forget item ${id}`}
      onConfirm={async () => {
        try {
          const r = await call<{ deleted: number }>('forgetMemory', { params: { session }, body: { ids: [id] } });
          notify(r.deleted > 0 ? `Forgot “${preview}”.` : `Nothing to forget: ${id} was already gone.`, 'success');
          onForgotten(id);
        } catch (e) {
          const msg = e instanceof ApiError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
          notify(`Forget failed — ${msg}`, 'error');
        }
      }}
    />
  );
}

/** The first words of a text, for labels: at most n characters. */
export function clip(text: string, n = 40): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
