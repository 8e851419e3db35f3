import { weightTable, type WeightTable } from './random.ts';

/**
 * Nomenclatures of the national directory (ANS): professions (TRE_G15), doctors' specialities
 * (TRE_R38, labels as the extractions write them), modes of practice (TRE_R23), activity sectors
 * (TRE_R02), functions (TRE_R21), kinds of activity (TRE_R22), pharmacists' sections (TRE_G05).
 * Shares and affinities are orders of magnitude of the real population, not statistics.
 */

export type CodeLabel = { code: string; label: string };

/** Where an activity takes place; every kind but OWN is a shared structure drawn from a pool. */
export const PLACE_KINDS = ['OWN', 'GROUP', 'SEL', 'MSP', 'CH', 'CLIN', 'ESPIC', 'EHPAD', 'LAB', 'CDS', 'PHARMA', 'SHOP'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export type Profession = CodeLabel & {
  /** Relative number of practitioners in the activity extraction. */
  share: number;
  /** Relative likelihood of holding a personal MSSanté mailbox. */
  mailboxAffinity: number;
  femaleShare: number;
  liberalShare: number;
  /** The order's national mailbox domain, when the profession has one. */
  nationalDomain: string | null;
  /** Addressed as "Docteur" (civilité d'exercice DR). */
  doctor: boolean;
  /** Share still identified by an ADELI number rather than RPPS. */
  adeliShare: number;
  authority: string;
  liberal: Partial<Record<PlaceKind, number>>;
  salaried: Partial<Record<PlaceKind, number>>;
};

const HOSPITAL_MIX = { CH: 55, CLIN: 15, ESPIC: 6, EHPAD: 14, CDS: 10 };

export const PROFESSIONS: readonly Profession[] = [
  { code: '60', label: 'Infirmier', share: 42, mailboxAffinity: 0.2, femaleShare: 0.87, liberalShare: 0.2, nationalDomain: 'infirmier.mssante.fr', doctor: false, adeliShare: 0, authority: 'ONI/ONI/ONI', liberal: { OWN: 55, GROUP: 35, MSP: 10 }, salaried: { CH: 55, CLIN: 15, ESPIC: 5, EHPAD: 18, CDS: 7 } },
  { code: '10', label: 'Médecin', share: 17, mailboxAffinity: 0.85, femaleShare: 0.52, liberalShare: 0.45, nationalDomain: 'medecin.mssante.fr', doctor: true, adeliShare: 0, authority: 'CNOM/CNOM/CNOM', liberal: { OWN: 45, GROUP: 30, SEL: 12, MSP: 13 }, salaried: { CH: 60, CLIN: 12, ESPIC: 6, CDS: 10, EHPAD: 4, LAB: 4, MSP: 4 } },
  { code: '70', label: 'Masseur-Kinésithérapeute', share: 7, mailboxAffinity: 0.3, femaleShare: 0.52, liberalShare: 0.85, nationalDomain: 'masseur-kinesitherapeute.mssante.fr', doctor: false, adeliShare: 0, authority: 'CNOMK/CNOMK/CNOMK', liberal: { OWN: 50, GROUP: 40, MSP: 10 }, salaried: { CH: 50, CLIN: 25, ESPIC: 10, EHPAD: 15 } },
  { code: '21', label: 'Pharmacien', share: 5.5, mailboxAffinity: 0.7, femaleShare: 0.68, liberalShare: 0.35, nationalDomain: 'pharmacien.mssante.fr', doctor: true, adeliShare: 0, authority: 'CNOP/CNOP/CNOP', liberal: { PHARMA: 100 }, salaried: { PHARMA: 70, CH: 15, LAB: 15 } },
  { code: '40', label: 'Chirurgien-Dentiste', share: 3.2, mailboxAffinity: 0.45, femaleShare: 0.5, liberalShare: 0.9, nationalDomain: 'chirurgien-dentiste.mssante.fr', doctor: true, adeliShare: 0, authority: 'ONCD/ONCD/ONCD', liberal: { OWN: 50, GROUP: 30, SEL: 20 }, salaried: { CDS: 70, CH: 30 } },
  { code: '50', label: 'Sage-Femme', share: 1.8, mailboxAffinity: 0.6, femaleShare: 0.97, liberalShare: 0.3, nationalDomain: 'sage-femme.mssante.fr', doctor: false, adeliShare: 0, authority: 'ONSF/ONSF/ONSF', liberal: { OWN: 70, GROUP: 20, MSP: 10 }, salaried: { CH: 75, CLIN: 20, CDS: 5 } },
  { code: '93', label: 'Psychologue', share: 3, mailboxAffinity: 0.12, femaleShare: 0.85, liberalShare: 0.35, nationalDomain: null, doctor: false, adeliShare: 1, authority: 'ARS/ARS/ARS', liberal: { OWN: 70, GROUP: 20, MSP: 10 }, salaried: HOSPITAL_MIX },
  { code: '28', label: 'Opticien-Lunetier', share: 2.5, mailboxAffinity: 0.03, femaleShare: 0.55, liberalShare: 0.2, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/Variable/Variable', liberal: { SHOP: 100 }, salaried: { SHOP: 100 } },
  { code: '98', label: 'Manipulateur ERM', share: 2.5, mailboxAffinity: 0.08, femaleShare: 0.7, liberalShare: 0.03, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/ARS/ARS', liberal: { GROUP: 100 }, salaried: { CH: 70, CLIN: 20, CDS: 10 } },
  { code: '86', label: 'Technicien de laboratoire médical', share: 2, mailboxAffinity: 0.03, femaleShare: 0.8, liberalShare: 0, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/ARS/ARS', liberal: { LAB: 100 }, salaried: { LAB: 80, CH: 20 } },
  { code: '91', label: 'Orthophoniste', share: 2, mailboxAffinity: 0.25, femaleShare: 0.97, liberalShare: 0.8, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/CPAM/CPAM', liberal: { OWN: 70, GROUP: 20, MSP: 10 }, salaried: HOSPITAL_MIX },
  { code: '80', label: 'Pédicure-Podologue', share: 1.1, mailboxAffinity: 0.25, femaleShare: 0.7, liberalShare: 0.98, nationalDomain: 'pedicure-podologue.mssante.fr', doctor: false, adeliShare: 0, authority: 'ONPP/ONPP/ONPP', liberal: { OWN: 75, GROUP: 15, MSP: 10 }, salaried: { CH: 50, EHPAD: 50 } },
  { code: '94', label: 'Ergothérapeute', share: 1.1, mailboxAffinity: 0.12, femaleShare: 0.86, liberalShare: 0.2, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/ARS/ARS', liberal: { OWN: 70, GROUP: 30 }, salaried: HOSPITAL_MIX },
  { code: '96', label: 'Psychomotricien', share: 1, mailboxAffinity: 0.12, femaleShare: 0.88, liberalShare: 0.3, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/ARS/ARS', liberal: { OWN: 70, GROUP: 30 }, salaried: HOSPITAL_MIX },
  { code: '95', label: 'Diététicien', share: 0.9, mailboxAffinity: 0.1, femaleShare: 0.93, liberalShare: 0.4, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/ARS/ARS', liberal: { OWN: 70, GROUP: 20, MSP: 10 }, salaried: HOSPITAL_MIX },
  { code: '92', label: 'Orthoptiste', share: 0.45, mailboxAffinity: 0.25, femaleShare: 0.88, liberalShare: 0.6, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/CPAM/CPAM', liberal: { OWN: 40, GROUP: 60 }, salaried: { CH: 50, CLIN: 30, CDS: 20 } },
  { code: '26', label: 'Audioprothésiste', share: 0.45, mailboxAffinity: 0.15, femaleShare: 0.5, liberalShare: 0.3, nationalDomain: null, doctor: false, adeliShare: 0.05, authority: 'ARS/CPAM/CPAM', liberal: { SHOP: 100 }, salaried: { SHOP: 100 } },
];

export const PROFESSION_TABLE: WeightTable = weightTable(PROFESSIONS.map((profession) => profession.share));

type Speciality = CodeLabel & { weight: number; surgical?: boolean };

/** Doctors' specialities (ordinal, type S): the three general practice codes lead. */
const DOCTOR_SPECIALITIES: readonly Speciality[] = [
  { code: 'SM26', label: 'Qualifié en Médecine Générale', weight: 30 },
  { code: 'SM53', label: 'Spécialiste en Médecine Générale', weight: 12 },
  { code: 'SM54', label: 'Médecine Générale', weight: 5 },
  { code: 'SM02', label: 'Anesthésie-réanimation', weight: 5 },
  { code: 'SM42', label: 'Psychiatrie', weight: 6 },
  { code: 'SM04', label: 'Cardiologie et maladies vasculaires', weight: 3.5 },
  { code: 'SM40', label: 'Pédiatrie', weight: 4 },
  { code: 'SM44', label: 'Radio-diagnostic', weight: 4 },
  { code: 'SM20', label: 'Gynécologie-obstétrique', weight: 3 },
  { code: 'SM38', label: 'Ophtalmologie', weight: 2.7 },
  { code: 'SM15', label: 'Dermatologie et vénéréologie', weight: 1.7 },
  { code: 'SM24', label: 'Gastro-entérologie et hépatologie', weight: 1.8 },
  { code: 'SM41', label: 'Pneumologie', weight: 1.5 },
  { code: 'SM48', label: 'Rhumatologie', weight: 1.2 },
  { code: 'SM32', label: 'Neurologie', weight: 1.2 },
  { code: 'SM34', label: 'O.R.L et chirurgie cervico faciale', weight: 1.2, surgical: true },
  { code: 'SM39', label: 'Oto-rhino-laryngologie', weight: 0.3, surgical: true },
  { code: 'SM08', label: 'Chirurgie orthopédique et traumatologie', weight: 1.7, surgical: true },
  { code: 'SM14', label: 'Chirurgie viscérale et digestive', weight: 1.3, surgical: true },
  { code: 'SM12', label: 'Chirurgie urologique', weight: 0.6, surgical: true },
  { code: 'SM25', label: 'Médecine du travail', weight: 2.5 },
  { code: 'SM03', label: 'Biologie médicale', weight: 1.3 },
  { code: 'SM18', label: 'Gériatrie', weight: 1 },
  { code: 'SM27', label: 'Médecine interne', weight: 1 },
  { code: 'SM30', label: 'Néphrologie', weight: 0.8 },
  { code: 'SM16', label: 'Endocrinologie et métabolisme', weight: 0.8 },
  { code: 'SM59', label: "Médecine d'urgence", weight: 2 },
  { code: 'SM29', label: 'Médecine physique et de réadaptation', weight: 1 },
  { code: 'SM49', label: 'Santé publique et médecine sociale', weight: 0.8 },
  { code: 'SM01', label: 'Anatomie et cytologie pathologiques', weight: 0.8 },
  { code: 'SM28', label: 'Médecine nucléaire', weight: 0.4 },
  { code: 'SM36', label: 'Oncologie option médicale', weight: 0.6 },
  { code: 'SM37', label: 'Oncologie option radiothérapie', weight: 0.4 },
  { code: 'SM19', label: 'Gynécologie médicale', weight: 0.7 },
  { code: 'SM46', label: 'Médecine intensive-réanimation', weight: 0.4 },
  { code: 'SM61', label: 'Médecine vasculaire', weight: 0.5 },
  { code: 'SM58', label: 'Maladies infectieuses et tropicales', weight: 0.3 },
  { code: 'SM21', label: 'Hématologie', weight: 0.3 },
  { code: 'SM31', label: 'Neuro-chirurgie', weight: 0.3, surgical: true },
  { code: 'SM10', label: 'Chirurgie plastique reconstructrice et esthétique', weight: 0.4, surgical: true },
  { code: 'SM11', label: 'Chirurgie thoracique et cardio-vasculaire', weight: 0.3, surgical: true },
  { code: 'SM13', label: 'Chirurgie vasculaire', weight: 0.2, surgical: true },
  { code: 'SM09', label: 'Chirurgie infantile', weight: 0.2, surgical: true },
  { code: 'SM50', label: 'Stomatologie', weight: 0.2 },
  { code: 'SM06', label: 'Chirurgie maxillo-faciale', weight: 0.1, surgical: true },
  { code: 'SM17', label: 'Génétique médicale', weight: 0.1 },
  { code: 'SM57', label: 'Allergologie', weight: 0.2 },
  { code: 'SM60', label: 'Médecine légale et expertises médicales', weight: 0.1 },
  { code: 'SM73', label: 'Médecine cardiovasculaire', weight: 0.3 },
  { code: 'SM62', label: 'Endocrinologie, diabétologie, nutrition', weight: 0.3 },
];

export type SavoirFaire = { typeCode: string; typeLabel: string; code: string; label: string };

function asSavoirFaire(typeCode: string, typeLabel: string, list: readonly Speciality[]): { items: SavoirFaire[]; table: WeightTable } {
  return { items: list.map(({ code, label }) => ({ typeCode, typeLabel, code, label })), table: weightTable(list.map((item) => item.weight)) };
}

export const DOCTOR_SAVOIR_FAIRE = asSavoirFaire('S', 'Spécialité ordinale', DOCTOR_SPECIALITIES);
export const GENERAL_PRACTICE_CODES: ReadonlySet<string> = new Set(['SM26', 'SM53', 'SM54']);
export const BIOLOGY_CODES: ReadonlySet<string> = new Set(['SM03', 'SM01']);

/** Dentists: most have no speciality; these three are ordinal (type S). */
export const DENTIST_SAVOIR_FAIRE = asSavoirFaire('S', 'Spécialité ordinale', [
  { code: 'SCD01', label: 'Orthopédie dento-faciale', weight: 6 },
  { code: 'SCD02', label: 'Chirurgie orale', weight: 2 },
  { code: 'SCD03', label: 'Médecine bucco-dentaire', weight: 1 },
]);

/** Advanced practice nurses (IPA). */
export const NURSE_SAVOIR_FAIRE = asSavoirFaire('S', 'Spécialité ordinale', [
  { code: 'SI01', label: 'Exercice infirmier en pratique avancée pathologies chroniques stabilisées', weight: 5 },
  { code: 'SI02', label: 'Exercice infirmier en pratique avancée oncologie et hémato-oncologie', weight: 2 },
  { code: 'SI03', label: 'Exercice infirmier en pratique avancée maladie rénale chronique', weight: 1 },
  { code: 'SI04', label: 'Exercice infirmier en pratique avancée santé mentale', weight: 2 },
  { code: 'SI05', label: 'Exercice infirmier en pratique avancée urgences', weight: 1 },
]);

export const MODES: Record<'L' | 'S' | 'B', CodeLabel> = {
  L: { code: 'L', label: 'Libéral' },
  S: { code: 'S', label: 'Salarié' },
  B: { code: 'B', label: 'Bénévole' },
};

export const CATEGORIES: Record<'C' | 'M' | 'E', CodeLabel> = {
  C: { code: 'C', label: 'Civil' },
  M: { code: 'M', label: 'Militaire' },
  E: { code: 'E', label: 'Etudiant' },
};

export const CIVILITIES = { M: { code: 'M', label: 'Monsieur' }, MME: { code: 'MME', label: 'Madame' } } as const;
export const PRACTICE_TITLES = { DR: { code: 'DR', label: 'Docteur' }, PR: { code: 'PR', label: 'Professeur' } } as const;

/** Activity sector of each kind of place (TRE_R02). */
export const SECTORS: Record<PlaceKind, CodeLabel> = {
  OWN: { code: 'SA07', label: 'Cabinet individuel' },
  GROUP: { code: 'SA08', label: 'Cabinet de groupe' },
  SEL: { code: 'SA09', label: 'Exercice en société' },
  MSP: { code: 'SA52', label: 'Maison de santé ou Pôle de santé' },
  CH: { code: 'SA01', label: 'Etablissement public de santé' },
  CLIN: { code: 'SA04', label: 'Etablissement privé non PSPH' },
  ESPIC: { code: 'SA03', label: 'Etablissement privé PSPH' },
  EHPAD: { code: 'SA17', label: 'Etablissement pour personnes âgées' },
  LAB: { code: 'SA25', label: 'Laboratoire de biologie médicale' },
  CDS: { code: 'SA05', label: 'Centre de santé' },
  PHARMA: { code: 'SA33', label: "Pharmacie d'officine" },
  SHOP: { code: 'SA42', label: 'Appareillage médical' },
};

export const ROLES = {
  owner: { code: 'FON-01', label: 'Titulaire de cabinet' },
  partner: { code: 'FON-02', label: "Associé dans une société d'exercice (SEL ou SCP)" },
  pharmacyOwner: { code: 'FON-03', label: "Titulaire d'officine" },
  deputy: { code: 'FON-05', label: 'Adjoint' },
  collaborator: { code: 'FON-17', label: 'Collaborateur' },
  employee: { code: 'FON-33', label: 'Salarié en poste fixe' },
  undefined: { code: 'FON-AU', label: 'Fonction non définie' },
} as const;

export const ACTIVITY_GENRES = {
  care: { code: 'GENR01', label: 'Activité de soin et de pharmacie' },
  substitute: { code: 'GENR02', label: 'Activité de soins ou de pharmacien en tant que remplaçant' },
  nonCare: { code: 'GENR04', label: 'Activité non soignante' },
} as const;

/** Pharmacists' sections of the order's roll (TRE_G05), by kind of place. */
export const PHARMACIST_SECTIONS = {
  owner: { code: 'A', label: "Pharmacien titulaire d'officine" },
  deputy: { code: 'D', label: 'Pharmacien adjoint, remplaçant ou gérant' },
  biologist: { code: 'G', label: 'Pharmacien biologiste' },
  hospital: { code: 'H', label: "Pharmacien d'établissement de santé" },
} as const;
