export type {
  AssociationDescriptor,
  HubSpotObjectDescriptor,
  MatchRule,
  NormalizerName,
  ObjectDescriptor,
  PropertyDescriptor,
  PropertyType,
} from './types.ts';
export {
  DescriptorError,
  builtinObjects,
  checkCustomObjects,
  checkDescriptors,
  customObjectNames,
  defineCustomObjects,
  descriptorShapeProblem,
  findObject,
  objectOrigin,
  onObjectsChange,
  isObjectType,
  objectDescriptor,
  objectDescriptors,
  objectNames,
  readDescriptorFiles,
} from './registry.ts';
export type { ObjectOrigin, ObjectsChange, ObjectsListener } from './registry.ts';
export { createObjectStore, soundRows, type ObjectStore, type SkippedObject } from './store.ts';
export { customDescriptor, type CustomObjectInput } from './custom.ts';
export { checkDescriptor, descriptorSchema } from './schema.ts';
export {
  firstMatch,
  isValidEmail,
  legalSuffixes,
  matchKeys,
  normalizeCompanyName,
  normalizeDomain,
  normalizeEmail,
  normalizeText,
  normalizers,
} from './normalize.ts';
export { associationKey, displayLabel, hubspotName, propertyNames } from './derive.ts';
