/**
 * 1EdTech CASE 1.1 export/import for skill frameworks and organisation roles.
 *
 *   frameworkToCase(fw, { baseUri, lastChangeDateTime })   Framework → CFPackage
 *   caseToFramework(json, { id?, version? })               CFPackage → Framework (ours losslessly, foreign best-effort)
 *   orgRolesToCase({ organization, roles, careerPaths, frameworks }, { baseUri, lastChangeDateTime })
 *   caseToOrgRoles(json)                                   CFPackage → roles + career paths
 *   orgRolesToCsv({ roles, frameworks })                   spreadsheet export (BOM, CRLF, CSV-injection safe)
 *
 * Pure (node:crypto for UUID v5 only): no I/O, no database, no 'server-only'. Mapping details in the
 * header comments of ./framework.ts and ./roles.ts; CASE field requirements in ./schema.ts.
 */
export {
  caseToFramework,
  frameworkToCase,
  FRAMEWORK_EXTENSION_FORMAT,
  type CaseImportResult,
  type CaseToFrameworkOptions,
  type FrameworkToCaseOptions,
} from './framework'
export {
  caseToOrgRoles,
  csvCell,
  orgRolesToCase,
  orgRolesToCsv,
  ORG_ROLES_CSV_HEADER,
  ORG_ROLES_EXTENSION_FORMAT,
  type OrgRolesInput,
  type OrgRolesToCaseOptions,
} from './roles'
export { ITEM_TYPES, KENSHU_EXTENSION_KEY, LEVEL_NAMES } from './build'
export {
  ASSOCIATION_TYPES,
  CASE_VERSION,
  CFPackageInputSchema,
  CFPackageSchema,
  type CaseIssue,
  type CFAssociation,
  type CFDocument,
  type CFItem,
  type CFPackage,
  type CFRubric,
} from './schema'
export {
  KENSHU_CASE_NAMESPACE,
  frameworkDocumentUuid,
  frameworkItemUuid,
  isUuid,
  statementUuid,
  uuidV5,
} from './uuid'
