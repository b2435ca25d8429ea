import { useState } from 'react';

/** Copies text, through the desktop app when given (the clipboard API needs a secure context). */
export function CopyButton({ text, copy, label = 'Copy' }: { text: string; copy?: () => Promise<unknown>; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function onClick() {
    try {
      if (copy) await copy();
      else await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" className="button-small" onClick={() => void onClick()} aria-label={`${label}: ${text}`}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}
    </button>
  );
}

export function Snippet({ text, label }: { text: string; label: string }) {
  return (
    <div className="snippet">
      <pre>
        <code>{text}</code>
      </pre>
      <CopyButton text={text} label={label} />
    </div>
  );
}
