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
  checkDescriptors,
  findObject,
  isObjectType,
  objectDescriptor,
  objectDescriptors,
  objectNames,
  readDescriptorFiles,
} from './registry.ts';
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
