import type ZongJi from '@vlasky/zongji';

/**
 * Pausing and resuming zongji's binlog socket without breaking it. zongji itself pauses the socket
 * while it fetches a table's columns for a new TABLE_MAP event and resumes it afterwards; resuming
 * in between would let that table's row events be parsed without their columns (and dropped). So
 * a resume is skipped while such a fetch is in flight: zongji's own resume follows it.
 */
export interface ZongjiFlow {
  pause(): void;
  resume(): void;
}

interface FetchHook {
  _fetchTableInfo?: (event: unknown, next: () => void) => void;
}

export function zongjiFlow(zongji: ZongJi): ZongjiFlow {
  const hook = zongji as unknown as FetchHook;
  const original = hook._fetchTableInfo?.bind(zongji);
  let fetching = 0;
  if (original) {
    hook._fetchTableInfo = (event, next) => {
      fetching += 1;
      original(event, () => {
        fetching -= 1;
        next();
      });
    };
  }
  return {
    pause() {
      // Without the hook a resume could not be made safe: then the socket is never paused.
      if (original) zongji.connection?.pause();
    },
    resume() {
      if (!original || fetching > 0) return;
      zongji.connection?.resume();
    },
  };
}
