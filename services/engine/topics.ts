import type { TopicSpec } from '../kafka/topics.ts';
import { type ObjectType } from './types.ts';
import { objectNames } from '../objects/index.ts';

/** Every topic name the engine uses, under one prefix (tests use their own prefix each). */
export interface TopicNames {
  changes(object: ObjectType): string;
  entities(object: ObjectType): string;
  writes(connectionId: string): string;
  readonly outcomes: string;
  readonly dlq: string;
  readonly identity: string;
  readonly config: string;
  /** Source positions of the connect role's readers (compacted). */
  readonly positions: string;
}

export function topicNames(prefix = 'tandem'): TopicNames {
  return {
    changes: (object) => `${prefix}.changes.${object}`,
    entities: (object) => `${prefix}.entities.${object}`,
    writes: (connectionId) => `${prefix}.writes.${connectionId}`,
    outcomes: `${prefix}.outcomes`,
    dlq: `${prefix}.dlq`,
    identity: `${prefix}.identity`,
    config: `${prefix}.config`,
    positions: `${prefix}.positions`,
  };
}

export interface TopicSizing {
  readonly partitions: number;
  readonly replicationFactor: number;
  /** `min.insync.replicas` of every topic created; unset: the brokers' default. */
  readonly minInsyncReplicas?: number | undefined;
}

/**
 * The topics of one object type: its changes and its entities. Created for every object at start
 * (`engineTopics`) and, for an object defined through the API, by the API before it is stored
 * (and again by the processor when it hears of it).
 */
export function objectTopics(
  names: TopicNames,
  object: ObjectType,
  sizing: TopicSizing,
): TopicSpec[] {
  return [
    { topic: names.changes(object), ...sizing },
    { topic: names.entities(object), ...sizing },
  ];
}

/**
 * The topics the processor needs before it starts (write topics come with each sync): those of
 * every object the registry knows now.
 */
export function engineTopics(names: TopicNames, sizing: TopicSizing): TopicSpec[] {
  const plain = (topic: string): TopicSpec => ({ topic, ...sizing });
  return [
    ...objectNames().map((o) => plain(names.changes(o))),
    ...objectNames().map((o) => plain(names.entities(o))),
    plain(names.outcomes),
    plain(names.dlq),
    { topic: names.identity, ...sizing, compacted: true },
    configTopic(names, sizing),
  ];
}

/** The config topic: connections and syncs, one partition (one order), compacted. */
export function configTopic(names: TopicNames, sizing: TopicSizing): TopicSpec {
  return {
    topic: names.config,
    partitions: 1,
    replicationFactor: sizing.replicationFactor,
    minInsyncReplicas: sizing.minInsyncReplicas,
    compacted: true,
  };
}

export function writeTopic(
  names: TopicNames,
  connectionId: string,
  sizing: TopicSizing,
): TopicSpec {
  return { topic: names.writes(connectionId), ...sizing };
}
