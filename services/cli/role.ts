import type { TandemConfig } from '../config/index.ts';

export interface RoleContext {
  readonly args: readonly string[];
  readonly config: TandemConfig | undefined;
}

export interface Role {
  readonly summary: string;
  readonly needsConfig: boolean;
  run(ctx: RoleContext): Promise<number>;
}
