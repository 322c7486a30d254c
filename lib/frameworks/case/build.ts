/**
 * Shared building blocks for the CASE exporters and importers (framework.ts, roles.ts): item-type
 * definitions, deterministic associations, the `extensions.kenshu` convention and warning tallies.
 * Internal to lib/frameworks/case; import the public API from './index'.
 */
import type {
  CaseIssue,
  CFAssociation,
  CFItemTypeDefinition,
  Extensions,
  LinkGenURI,
  LinkURI,
} from './schema'
import { caseUri, isPlainObject } from './schema'
import { uuidV5 } from './uuid'

/** The one key under `extensions` where Kenshu keeps what CASE has no field for. */
export const KENSHU_EXTENSION_KEY = 'kenshu'

export function kenshuExtensions(value: Record<string, unknown>): Extensions {
  return { [KENSHU_EXTENSION_KEY]: value }
}

/** `extensions.kenshu` if present and an object, else undefined. */
export function readKenshuExtension(extensions: Extensions | null | undefined): unknown {
  if (!extensions) return undefined
  const value = extensions[KENSHU_EXTENSION_KEY]
  return isPlainObject(value) ? value : undefined
}

/** The CFItemType labels Kenshu writes (and recognises, case-insensitively, when reading). */
export const ITEM_TYPES = {
  category: { title: 'Category', code: 'category', description: 'A group of work roles (NICE category).' },
  workRole: {
    title: 'Work Role',
    code: 'work-role',
    description:
      'A kind of cybersecurity work and the tasks, knowledge and skills it needs (NICE work role, ECSF role profile).',
  },
  task: {
    title: 'Task',
    code: 'task',
    description: 'A task statement: an activity directed toward a work goal.',
  },
  knowledge: {
    title: 'Knowledge',
    code: 'knowledge',
    description: 'A knowledge statement: a retrievable set of concepts in memory.',
  },
  skill: {
    title: 'Skill',
    code: 'skill',
    description: 'A skill statement: the capacity to perform an observable action.',
  },
  competencyArea: {
    title: 'Competency Area',
    code: 'competency-area',
    description: 'A cluster of related knowledge and skills (NICE competency area).',
  },
  jobRole: {
    title: 'Job Role',
    code: 'job-role',
    description:
      "An organisation's position and the framework statements it requires, with level and weight.",
  },
} as const
export type ItemTypeKey = keyof typeof ITEM_TYPES

/** Proficiency level names of docs/DESIGN.md's scale (1..4), used as CFRubricCriterionLevel.quality. */
export const LEVEL_NAMES = ['Basic', 'Intermediate', 'Advanced', 'Expert'] as const

/**
 * Collects CFItems' type links and CFAssociations for one package, with identifiers derived from
 * `name` (the package's stable name, e.g. `framework:nice@2.1.0`) so output is deterministic.
 */
export class PackageBuilder {
  private readonly usedTypes = new Map<ItemTypeKey, CFItemTypeDefinition>()
  readonly associations: CFAssociation[] = []

  constructor(
    readonly baseUri: string,
    readonly lastChangeDateTime: string,
    readonly name: string,
  ) {}

  uri(collection: string, identifier: string): string {
    return caseUri(this.baseUri, collection, identifier)
  }

  /** LinkURI to the CFItemType definition; records it for CFDefinitions.CFItemTypes. */
  itemType(key: ItemTypeKey): LinkURI {
    let def = this.usedTypes.get(key)
    if (!def) {
      const t = ITEM_TYPES[key]
      // Global (not per framework): the same type means the same thing in every Kenshu export.
      const identifier = uuidV5(`case:item-type:${t.title}`)
      def = {
        identifier,
        uri: this.uri('CFItemTypes', identifier),
        title: t.title,
        lastChangeDateTime: this.lastChangeDateTime,
        description: t.description,
        hierarchyCode: t.code,
        typeCode: t.code,
      }
      this.usedTypes.set(key, def)
    }
    return { title: def.title, identifier: def.identifier, uri: def.uri }
  }

  itemTypeDefinitions(): CFItemTypeDefinition[] {
    return [...this.usedTypes.values()]
  }

  /** Adds an association; its identifier is derived from type, origin and destination (unique per package). */
  associate(
    associationType: CFAssociation['associationType'],
    origin: LinkGenURI,
    destination: LinkGenURI,
    sequenceNumber?: number,
  ): void {
    const identifier = uuidV5(
      `${this.name}:association:${associationType}:${origin.identifier}:${destination.identifier}`,
    )
    this.associations.push({
      identifier,
      uri: this.uri('CFAssociations', identifier),
      associationType,
      ...(sequenceNumber !== undefined ? { sequenceNumber } : {}),
      originNodeURI: origin,
      destinationNodeURI: destination,
      lastChangeDateTime: this.lastChangeDateTime,
    })
  }
}

/**
 * Counts similar warnings so a 5 000-item foreign package yields a handful of readable lines
 * ("37 items of CFItemType "Standard" …, e.g. A.1, A.2, A.3") rather than 5 000.
 */
export class WarningTally {
  private readonly entries = new Map<
    string,
    { path: string; count: number; examples: string[]; render: (count: number, examples: string) => string }
  >()
  private readonly single: CaseIssue[] = []

  add(key: string, path: string, example: string, render: (count: number, examples: string) => string): void {
    const entry = this.entries.get(key)
    if (entry) {
      entry.count++
      if (entry.examples.length < 3) entry.examples.push(example)
    } else this.entries.set(key, { path, count: 1, examples: [example], render })
  }

  push(issue: CaseIssue): void {
    this.single.push(issue)
  }

  list(): CaseIssue[] {
    const out = [...this.single]
    for (const e of this.entries.values()) {
      const examples = e.examples.join(', ') + (e.count > e.examples.length ? ', …' : '')
      out.push({ path: e.path, message: e.render(e.count, examples) })
    }
    return out
  }
}
