import { slugOf } from './names.ts';
import { DEPARTMENTS, STREET_KINDS, STREET_KIND_TABLE, STREET_NAMES, ADDRESS_COMPLEMENTS, PLACE_NAMES, type Commune, type Department } from './places.ts';
import { PLACE_KINDS, SECTORS, type CodeLabel, type PlaceKind } from './professions.ts';
import { createRng, luhnDigit, scrambleBelow } from './random.ts';

/**
 * Places where practitioners work. Shared structures (hospitals, pharmacies, group practices…)
 * form a pool per department and kind, sized to the population and to the requested scale; each
 * is rebuilt on demand from its (department, kind, index), so nothing is kept per structure. A
 * liberal practitioner's own practice is rebuilt from the practitioner's index in the same way.
 */

export type Structure = {
  kind: PlaceKind;
  department: Department;
  commune: Commune;
  postcode: string;
  /** The mailbox file's "Type identifiant structure": 1 FINESS, 3 SIRET, 4 RPPS rank, 0 ADELI rank. */
  idType: string;
  /** Type digit followed by the identifier, as national structure ids are written. */
  nationalId: string;
  technicalId: string;
  finess: string;
  finessLegal: string;
  siret: string;
  siren: string;
  name: string;
  brand: string;
  addressee: string;
  complement: string;
  distribution: string;
  streetNumber: string;
  streetNumberSuffix: string;
  streetKind: { code: string; label: string } | null;
  street: string;
  place: string;
  cedex: boolean;
  phone: string;
  phone2: string;
  fax: string;
  email: string;
  /** The structure's MSSanté domain, for its own and its staff's mailboxes. */
  domain: string;
  /** Distinguishes the sites sharing one domain (a hospital group's sites). */
  siteTag: string;
  sector: CodeLabel;
  university: boolean;
};

/** Number of each kind nationally, at the full scale (2,000,000 activities). */
const NATIONAL_COUNTS: Record<PlaceKind, number> = {
  OWN: 0,
  GROUP: 40000,
  SEL: 8000,
  MSP: 2500,
  CH: 1300,
  CLIN: 1000,
  ESPIC: 350,
  EHPAD: 7000,
  LAB: 4000,
  CDS: 2500,
  PHARMA: 20000,
  SHOP: 15000,
};

/** Paris public hospital group: one domain, one tag per site. */
const APHP_SITES: readonly [string, string, string][] = [
  ['HOPITAL EUROPEEN GEORGES POMPIDOU', 'hegp', '75015'],
  ['HOPITAL PITIE-SALPETRIERE', 'psl', '75013'],
  ['HOPITAL NECKER-ENFANTS MALADES', 'nck', '75015'],
  ['HOPITAL BICHAT-CLAUDE BERNARD', 'bch', '75018'],
  ['HOPITAL SAINT-LOUIS', 'sls', '75010'],
  ['HOPITAL LARIBOISIERE', 'lrb', '75010'],
  ['HOPITAL SAINT-ANTOINE', 'sat', '75012'],
  ['HOPITAL COCHIN', 'cch', '75014'],
  ['HOPITAL TENON', 'tnn', '75020'],
  ['HOPITAL ROBERT-DEBRE', 'rdb', '75019'],
  ['HOPITAL HOTEL-DIEU', 'htd', '75004'],
  ['HOPITAL TROUSSEAU', 'trs', '75012'],
  ['HOPITAL BROCA', 'brc', '75013'],
  ['HOPITAL BRETONNEAU', 'bre', '75018'],
  ['HOPITAL VAUGIRARD', 'vgr', '75015'],
  ['HOPITAL ROTHSCHILD', 'rth', '75012'],
  ['HOPITAL SAINTE-PERINE', 'spr', '75016'],
];

const SAINTS = ['SAINT-JOSEPH', 'SAINTE-MARIE', 'SAINT-JEAN', 'SAINTE-ANNE', 'SAINT-LUC', 'SAINT-VINCENT', 'SAINT-MARTIN', 'SAINTE-THERESE', 'SAINT-PIERRE', 'SAINT-FRANCOIS', 'NOTRE-DAME', 'SAINT-GEORGES'];
const GARDEN_NAMES = ['LES GLYCINES', 'LES TILLEULS', 'LE CLOS FLEURI', 'LES JARDINS', 'LA ROSERAIE', 'LES CHARMILLES', 'LES CEDRES', 'LE VAL D OR', 'LES MYOSOTIS', 'LA SOURCE', 'LES HORTENSIAS', 'LE PARC', 'LES ERABLES', 'BEL AIR'];
const CLINIC_NAMES = ['DU PARC', 'DES CEDRES', 'DE LA SAGESSE', 'DU MAIL', 'PASTEUR', 'DU VAL', 'DES FLEURS', 'DU PONT DE CHAUME', 'DE L ESPERANCE', 'BELLEDONNE', 'DES LILAS', 'CHAMPEAU'];
const LAB_NAMES = ['BIOLAB', 'BIOMEDIC', 'BIOPOLE', 'BIO ESPACE', 'LABOVIE', 'ANALYSES ET SANTE', 'BIOVALLEE', 'LABOCENTRE', 'BIOAXE', 'LABOVAL'];
const PHARMACY_NAMES = ['DU CENTRE', 'DE LA GARE', 'DE LA MAIRIE', 'DU MARCHE', 'DES HALLES', 'PRINCIPALE', 'DE L EGLISE', 'DU PORT', 'DES ARCADES', 'DU PARC', 'SAINT-MARTIN', 'DE LA PLACE', 'CENTRALE', 'DES LILAS', 'DU SOLEIL', 'DE LA POSTE', 'DU ROND-POINT', 'DES QUATRE CHEMINS'];
const PRACTICE_NAMES = ['DES LILAS', 'DU PARC', 'DE LA GARE', 'SAINT-MARTIN', 'DU CENTRE', 'DES ARCADES', 'PASTEUR', 'VICTOR HUGO', 'DU MARCHE', 'DES TILLEULS', 'DE LA FONTAINE', 'JEAN JAURES'];
const SHOP_NAMES = ['OPTIQUE', 'AUDITION', 'OPTIC', 'VISION', 'CENTRE AUDITIF', 'LUNETTERIE'];

/** "DE VANNES", "D'ALES": elision before a vowel, as the registered names write it. */
function ofTown(town: string): string {
  return /^[AEIOUYH]/.test(town) ? `D'${town}` : `DE ${town}`;
}

export type OwnPracticeHolder = {
  index: number;
  idType: string;
  id: string;
  firstNameUpper: string;
  lastNameUpper: string;
  lastSlug: string;
  title: string | null;
  professionCode: string;
};

export type StructureSource = {
  poolSize(department: number, kind: PlaceKind): number;
  /** The `index`-th structure of a kind in a department (index below poolSize). */
  pooled(department: number, kind: PlaceKind, index: number): Structure;
  /** A liberal practitioner's own practice; another `variant` is the practice after a move. */
  ownPractice(holder: OwnPracticeHolder, department: number, activity: number, variant: number): Structure;
  /** The number of structures the pools hold. */
  pooledCount(): number;
};

const STRUCTURE_STREAM = 0x5354;
const KEPT_KINDS: ReadonlySet<PlaceKind> = new Set(['CH', 'CLIN', 'ESPIC', 'EHPAD', 'LAB', 'CDS', 'MSP']);
const OWN_PRACTICE_BASE = 72_720_000;
/** Practitioner indexes stay below this for SIRET numbers to stay unique (under 10^8). */
export const MAX_PERSON_INDEX = Math.floor((100_000_000 - OWN_PRACTICE_BASE) / 3) - 1;
const PRACTICE_STREAM = 0x4341;

export function createStructureSource(root: number, scale: number): StructureSource {
  const rng = createRng();
  const totalWeight = DEPARTMENTS.reduce((sum, department) => sum + department.weight, 0);
  const sizes = DEPARTMENTS.map((department) =>
    PLACE_KINDS.map((kind) => (kind === 'OWN' ? 0 : Math.max(1, Math.round((NATIONAL_COUNTS[kind] * department.weight * scale) / totalWeight)))),
  );
  // Hospitals go first to the university town, then to one town each, then anywhere.
  const hospitalTowns = DEPARTMENTS.map((department) => {
    const seen = new Set<string>();
    const towns: Commune[] = [];
    for (const commune of [...department.communes].sort((a, b) => Number(b.chu) - Number(a.chu))) {
      if (seen.has(commune.city)) continue;
      seen.add(commune.city);
      towns.push(commune);
    }
    return towns;
  });

  // Names of structures come from short lists: their slugs are worth remembering.
  const slugs = new Map<string, string>();
  const slug = (text: string): string => {
    let value = slugs.get(text);
    if (value === undefined) slugs.set(text, (value = slugOf(text)));
    return value;
  };
  const phone = (department: Department): string => department.phone + rng.digits(10 - department.phone.length);

  function finessOf(department: Department, kindIndex: number, index: number): string {
    const prefix = department.code.length === 3 ? `970${department.code[2]}` : department.code;
    const bodyLength = 8 - prefix.length;
    const modulus = 10 ** (bodyLength - 1);
    const scrambled = scrambleBelow((index + kindIndex * 7919) % modulus, modulus);
    const body = `${kindIndex % 10}${String(scrambled).padStart(bodyLength - 1, '0')}`;
    const numeric = (prefix + body).replace('2A', '20').replace('2B', '20');
    return prefix + body + luhnDigit(numeric);
  }

  /** A SIRET from a number unique among all structures: SIREN and SIRET both pass Luhn. */
  function siretOf(unique: number): { siren: string; siret: string } {
    const scrambled = scrambleBelow(unique, 100_000_000);
    const sirenBody = String(scrambled).padStart(8, '0');
    const siren = sirenBody + luhnDigit(sirenBody);
    const head = `${siren}000${1 + (unique % 9)}`;
    return { siren, siret: head + luhnDigit(head) };
  }

  function address(structure: Structure, department: Department, hospital: boolean): void {
    const commune = structure.commune;
    structure.postcode = commune.postcodes[rng.int(commune.postcodes.length)]!;
    structure.streetNumber = rng.chance(0.92) ? String(1 + rng.int(rng.chance(0.8) ? 60 : 250)) : '';
    structure.streetNumberSuffix = structure.streetNumber !== '' && rng.chance(0.04) ? rng.pick(['B', 'T']) : '';
    structure.streetKind = STREET_KINDS[rng.weighted(STREET_KIND_TABLE)]!;
    structure.street = hospital && rng.chance(0.4) ? rng.pick(["DE L HOPITAL", 'DU DOCTEUR ROUX', 'DU PROFESSEUR CALMETTE', 'DES HOSPICES']) : rng.pick(STREET_NAMES);
    structure.complement = rng.chance(0.1) ? rng.pick(ADDRESS_COMPLEMENTS) : '';
    structure.cedex = hospital && rng.chance(0.5);
    structure.distribution = structure.cedex ? `CS ${rng.digits(5)}` : rng.chance(0.03) ? `BP ${1 + rng.int(999)}` : '';
    structure.place = rng.chance(0.02) ? rng.pick(PLACE_NAMES) : '';
    structure.phone = rng.chance(0.9) ? phone(department) : '';
    structure.phone2 = rng.chance(0.05) ? phone(department) : '';
    structure.fax = rng.chance(hospital ? 0.4 : 0.15) ? phone(department) : '';
  }

  function blank(kind: PlaceKind, department: Department, commune: Commune): Structure {
    return {
      kind,
      department,
      commune,
      postcode: '',
      idType: '',
      nationalId: '',
      technicalId: '',
      finess: '',
      finessLegal: '',
      siret: '',
      siren: '',
      name: '',
      brand: '',
      addressee: '',
      complement: '',
      distribution: '',
      streetNumber: '',
      streetNumberSuffix: '',
      streetKind: null,
      street: '',
      place: '',
      cedex: false,
      phone: '',
      phone2: '',
      fax: '',
      email: '',
      domain: '',
      siteTag: '',
      sector: SECTORS[kind],
      university: false,
    };
  }

  // The structures that employ many are kept once built (about 20,000 at full scale); the
  // rest (pharmacies, group practices, shops: 80,000) are rebuilt, which costs less than holding them.
  const kept = new Map<number, Structure>();
  function pooled(departmentIndex: number, kind: PlaceKind, index: number): Structure {
    if (!KEPT_KINDS.has(kind)) return build(departmentIndex, kind, index);
    const key = (departmentIndex * PLACE_KINDS.length + PLACE_KINDS.indexOf(kind)) * 1_000_000 + index;
    let structure = kept.get(key);
    if (structure === undefined) {
      structure = build(departmentIndex, kind, index);
      kept.set(key, structure);
    }
    return structure;
  }

  function build(departmentIndex: number, kind: PlaceKind, index: number): Structure {
    const kindIndex = PLACE_KINDS.indexOf(kind);
    rng.reseed(root, STRUCTURE_STREAM, departmentIndex * 16 + kindIndex, index);
    const department = DEPARTMENTS[departmentIndex]!;
    const towns = hospitalTowns[departmentIndex]!;
    let commune = department.communes[rng.weighted(department.communeTable)]!;
    const structure = blank(kind, department, commune);
    const regionDomain = `${department.region}.mssante.fr`;
    let town = commune.cityUpper;
    let townSlug = commune.citySlug;
    let withFiness = true;
    switch (kind) {
      case 'CH': {
        if (department.code === '75' && index < APHP_SITES.length) {
          const [name, tag, postcode] = APHP_SITES[index]!;
          commune = department.communes.find((candidate) => candidate.postcodes.includes(postcode)) ?? commune;
          structure.commune = commune;
          structure.name = name;
          structure.brand = 'AP-HP';
          structure.domain = 'aphp.mssante.fr';
          structure.siteTag = tag;
          structure.university = true;
        } else if (index < towns.length && department.code !== '75') {
          commune = towns[index]!;
          structure.commune = commune;
          town = commune.cityUpper;
          townSlug = commune.citySlug;
          structure.university = commune.chu;
          structure.name = commune.chu ? `CENTRE HOSPITALIER UNIVERSITAIRE ${ofTown(town)}` : `CENTRE HOSPITALIER ${ofTown(town)}`;
          structure.brand = commune.chu ? `CHU ${ofTown(town)}` : `CH ${ofTown(town)}`;
          structure.domain = `${commune.chu ? 'chu' : 'ch'}-${townSlug}.mssante.fr`;
        } else {
          const saint = rng.pick(SAINTS);
          const style = rng.int(3);
          structure.name = style === 0 ? `CENTRE HOSPITALIER SPECIALISE ${saint}` : style === 1 ? `HOPITAL LOCAL ${ofTown(town)}` : `CENTRE HOSPITALIER ${saint}`;
          structure.domain = `${style === 1 ? 'hl' : `ch-${slug(saint)}`}-${townSlug}.mssante.fr`;
        }
        break;
      }
      case 'CLIN': {
        const style = rng.int(4);
        const name = rng.pick(style < 2 ? SAINTS : CLINIC_NAMES);
        structure.name = style === 3 ? `HOPITAL PRIVE ${ofTown(town)}` : `${style === 2 ? 'POLYCLINIQUE' : 'CLINIQUE'} ${name}`;
        structure.domain = `${style === 3 ? 'hp' : `clinique-${slug(name)}`}-${townSlug}.mssante.fr`;
        break;
      }
      case 'ESPIC': {
        const name = rng.pick(SAINTS);
        structure.name = rng.chance(0.3) ? `CENTRE DE READAPTATION ${name}` : `HOPITAL ${name}`;
        structure.domain = `hopital-${slug(name)}-${townSlug}.mssante.fr`;
        break;
      }
      case 'EHPAD': {
        const name = rng.pick(GARDEN_NAMES);
        structure.name = `EHPAD ${name}`;
        structure.domain = `ehpad-${slug(name)}-${townSlug}.mssante.fr`;
        break;
      }
      case 'LAB': {
        const name = rng.pick(LAB_NAMES);
        structure.name = `LABORATOIRE DE BIOLOGIE MEDICALE ${name}`;
        structure.brand = `${name} ${town}`;
        structure.domain = `${slug(name)}-${townSlug}.mssante.fr`;
        break;
      }
      case 'CDS': {
        const style = rng.pick(['MUNICIPAL', 'MEDICAL', 'DENTAIRE', 'MUTUALISTE', 'INFIRMIER', 'POLYVALENT']);
        structure.name = `CENTRE DE SANTE ${style} ${ofTown(town)}`;
        structure.domain = `cds-${slug(style)}-${townSlug}.mssante.fr`;
        break;
      }
      case 'MSP': {
        structure.name = rng.chance(0.6) ? `MAISON DE SANTE PLURIPROFESSIONNELLE ${ofTown(town)}` : `MSP ${rng.pick(PRACTICE_NAMES)}`;
        structure.domain = `msp-${townSlug}.mssante.fr`;
        break;
      }
      case 'PHARMA': {
        const name = `PHARMACIE ${rng.pick(PHARMACY_NAMES)}`;
        structure.name = rng.chance(0.6) ? `SELARL ${name}` : name;
        structure.brand = name;
        structure.domain = 'pharmacien.mssante.fr';
        structure.siteTag = `${slug(name)}-${townSlug}`;
        break;
      }
      case 'GROUP': {
        structure.name = `CABINET ${rng.pick(['MEDICAL', 'PARAMEDICAL', 'PLURIDISCIPLINAIRE', 'INFIRMIER', 'DE KINESITHERAPIE'])} ${rng.pick(PRACTICE_NAMES)}`;
        structure.domain = regionDomain;
        structure.siteTag = `${slug(structure.name)}-${townSlug}`;
        withFiness = false;
        break;
      }
      case 'SEL': {
        structure.name = `${rng.pick(['SELARL', 'SCP', 'SCM', 'SELAS'])} ${rng.pick(PRACTICE_NAMES)}`;
        structure.domain = regionDomain;
        structure.siteTag = `${slug(structure.name)}-${townSlug}`;
        withFiness = false;
        break;
      }
      case 'SHOP': {
        const name = rng.pick(SHOP_NAMES);
        structure.name = `${name} ${rng.pick(PRACTICE_NAMES)}`;
        structure.brand = `${name} ${town}`;
        structure.domain = regionDomain;
        withFiness = false;
        break;
      }
      case 'OWN':
        throw new Error('own practices are not pooled');
    }
    address(structure, department, kind === 'CH' || kind === 'CLIN' || kind === 'ESPIC');
    // Below 72,720,000 for every pooled structure; own practices number above.
    const { siren, siret } = siretOf((departmentIndex * PLACE_KINDS.length + kindIndex) * 60000 + (index % 60000));
    structure.siren = siren;
    structure.siret = siret;
    if (withFiness) {
      structure.finess = finessOf(department, kindIndex, index);
      structure.finessLegal = kind === 'CH' || kind === 'ESPIC' ? finessOf(department, kindIndex, index + 50000) : '';
      structure.idType = '1';
      structure.nationalId = `1${structure.finess}`;
      structure.technicalId = `F${structure.finess}`;
    } else {
      structure.idType = '3';
      structure.nationalId = `3${siret}`;
      structure.technicalId = `C${siret}`;
    }
    structure.addressee = rng.chance(0.3) ? structure.name : '';
    const host = structure.domain.replace('.mssante.fr', '');
    structure.email = kind === 'PHARMA' || kind === 'GROUP' || kind === 'SEL' || kind === 'SHOP' ? '' : rng.chance(0.35) ? `contact@${host}.fr` : '';
    return structure;
  }

  function ownPractice(holder: OwnPracticeHolder, departmentIndex: number, activity: number, variant: number): Structure {
    rng.reseed(root, PRACTICE_STREAM, holder.index, activity * 8 + variant);
    const department = DEPARTMENTS[departmentIndex]!;
    const commune = department.communes[rng.weighted(department.communeTable)]!;
    const structure = blank('OWN', department, commune);
    const first = holder.firstNameUpper;
    structure.name =
      holder.title === 'DR' || holder.title === 'PR'
        ? `CABINET DU DR ${first} ${holder.lastNameUpper}`
        : holder.professionCode === '60'
          ? `CABINET INFIRMIER ${holder.lastNameUpper}`
          : `CABINET ${rng.chance(0.5) ? `${first} ${holder.lastNameUpper}` : holder.lastNameUpper}`;
    address(structure, department, false);
    if (rng.chance(0.55)) {
      const { siren, siret } = siretOf(OWN_PRACTICE_BASE + holder.index * 3 + (activity % 3));
      structure.siren = siren;
      structure.siret = siret;
      structure.idType = '3';
      structure.nationalId = `3${siret}`;
      structure.technicalId = `C${siret}`;
    } else if (holder.idType === '8') {
      const rank = String(activity + 1).padStart(2, '0');
      structure.idType = '4';
      structure.nationalId = `4${holder.id}${rank}`;
      structure.technicalId = `R${holder.id}0${rank}`;
    } else {
      structure.idType = '0';
      structure.nationalId = `0${holder.id}0${activity}`;
      structure.technicalId = `C${holder.id}0${activity}`;
    }
    structure.addressee = rng.chance(0.5) ? structure.name : '';
    structure.email = rng.chance(0.12) ? `${holder.lastSlug}.cabinet@${rng.pick(['orange.fr', 'wanadoo.fr', 'gmail.com', 'free.fr', 'sfr.fr'])}` : '';
    return structure;
  }

  return {
    poolSize: (department, kind) => sizes[department]![PLACE_KINDS.indexOf(kind)]!,
    pooled,
    ownPractice,
    pooledCount: () => sizes.reduce((sum, row) => sum + row.reduce((a, b) => a + b, 0), 0),
  };
}
