import type { TandemConfig } from '../config/index.ts';

export interface RoleContext {
  readonly args: readonly string[];
  readonly config: TandemConfig | undefined;
  /**
   * Worker processes to run (`--workers`, else TANDEM_WORKERS) for a role that can run several;
   * 1 or unset: the role runs in this process.
   */
  readonly workers?: number;
}

export interface Role {
  readonly summary: string;
  readonly needsConfig: boolean;
  /**
   * The role is consumer groups (and leases) only, so N copies on one machine share its work:
   * it accepts `--workers N` / TANDEM_WORKERS.
   */
  readonly workers?: boolean;
  /**
   * The role reads its own flags (`stack up --cluster`): `tandem <role> ...` hands it everything
   * after its name as it is, with no configuration loaded.
   */
  readonly ownArgs?: boolean;
  run(ctx: RoleContext): Promise<number>;
}
