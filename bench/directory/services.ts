import type { PlaceKind } from './professions.ts';

/**
 * What organisational (ORG) and applicative (APP) mailboxes serve: the "Service de rattachement"
 * label and the stem of the address local part (`cardiologie@chu-brest.mssante.fr`).
 */

export type Service = { label: string; stem: string };

const s = (label: string, stem: string): Service => ({ label, stem });

const HOSPITAL: readonly Service[] = [
  s('Service de cardiologie', 'cardiologie'),
  s('Service des urgences', 'urgences'),
  s('Service de pédiatrie', 'pediatrie'),
  s('Service de gériatrie', 'geriatrie'),
  s('Maternité', 'maternite'),
  s('Service de radiologie', 'radiologie'),
  s('Service de médecine interne', 'medecine-interne'),
  s('Service de pneumologie', 'pneumologie'),
  s('Service de neurologie', 'neurologie'),
  s('Service de gastro-entérologie', 'gastro-enterologie'),
  s("Service d'oncologie", 'oncologie'),
  s('Service de néphrologie', 'nephrologie'),
  s('Service de chirurgie viscérale', 'chirurgie-viscerale'),
  s("Service d'orthopédie", 'orthopedie'),
  s('Service de psychiatrie adulte', 'psychiatrie'),
  s('Centre médico-psychologique', 'cmp'),
  s('Unité de soins palliatifs', 'soins-palliatifs'),
  s('Hôpital de jour', 'hdj'),
  s('Consultations externes', 'consultations'),
  s('Bloc opératoire', 'bloc'),
  s('Laboratoire', 'laboratoire'),
  s('Pharmacie à usage intérieur', 'pui'),
  s("Département d'information médicale", 'dim'),
  s('Bureau des entrées', 'admissions'),
  s('Service social', 'service-social'),
  s("Service d'anesthésie", 'anesthesie'),
  s('Service de gynécologie-obstétrique', 'gynecologie'),
  s("Service d'ophtalmologie", 'ophtalmologie'),
  s('Service de dermatologie', 'dermatologie'),
  s('Service de rhumatologie', 'rhumatologie'),
  s("Service d'endocrinologie", 'endocrinologie'),
  s('Secrétariat médical', 'secretariat'),
  s('Service de médecine polyvalente', 'medecine-polyvalente'),
  s('Soins de suite et de réadaptation', 'ssr'),
  s('Service de réanimation', 'reanimation'),
  s('Équipe mobile de gériatrie', 'emg'),
  s('Service de diabétologie', 'diabetologie'),
  s('Chirurgie ambulatoire', 'ambulatoire'),
  s("Service d'hématologie", 'hematologie'),
  s("Service d'accueil des urgences pédiatriques", 'urgences-pediatriques'),
];

const ORGANISATIONAL: Record<PlaceKind, readonly Service[]> = {
  CH: HOSPITAL,
  CLIN: HOSPITAL,
  ESPIC: HOSPITAL,
  EHPAD: [s('Secrétariat', 'secretariat'), s('Infirmerie', 'infirmerie'), s('Direction', 'direction'), s('Médecin coordonnateur', 'medco'), s('Accueil', 'accueil')],
  LAB: [s('Laboratoire', 'laboratoire'), s('Résultats', 'resultats'), s('Secrétariat', 'secretariat'), s('Biologie', 'biologie'), s('Prélèvements', 'prelevements')],
  CDS: [s('Secrétariat médical', 'secretariat'), s('Accueil', 'accueil'), s('Centre dentaire', 'dentaire'), s('Soins infirmiers', 'soins'), s('Coordination', 'coordination')],
  MSP: [s('Secrétariat', 'secretariat'), s('Coordination', 'coordination'), s('Accueil', 'accueil'), s('Infirmiers', 'infirmiers'), s('Médecins', 'medecins')],
  PHARMA: [s('Officine', 'officine'), s('Préparatoire', 'preparatoire'), s('Commandes', 'commandes')],
  GROUP: [s('Secrétariat médical', 'secretariat'), s('Cabinet médical', 'cabinet'), s('Accueil', 'accueil')],
  SEL: [s('Secrétariat médical', 'secretariat'), s('Cabinet médical', 'cabinet')],
  SHOP: [s('Accueil', 'accueil')],
  OWN: [s('Secrétariat médical', 'secretariat')],
};

const HOSPITAL_APPS: readonly Service[] = [
  s('Dossier patient informatisé', 'dpi'),
  s("Comptes rendus d'hospitalisation", 'crh'),
  s('Laboratoire', 'resultats-labo'),
  s('Imagerie médicale', 'imagerie'),
  s('Imagerie médicale', 'pacs'),
  s("Système d'information", 'sih'),
  s('Courrier sortant', 'courrier'),
  s('Bureau des entrées', 'admissions-dmp'),
  s('Pharmacie à usage intérieur', 'pui-logiciel'),
];

const APPLICATIVE: Record<PlaceKind, readonly Service[]> = {
  CH: HOSPITAL_APPS,
  CLIN: HOSPITAL_APPS,
  ESPIC: HOSPITAL_APPS,
  LAB: [s('Laboratoire', 'resultats'), s('Laboratoire', 'hprim'), s('Laboratoire', 'sgl')],
  CDS: [s('Logiciel métier', 'logiciel'), s('Dossier médical', 'dossier-medical')],
  MSP: [s('Logiciel métier', 'logiciel'), s('Dossier médical', 'dossier-medical')],
  GROUP: [s('Logiciel métier', 'logiciel')],
  SEL: [s('Logiciel métier', 'logiciel')],
  EHPAD: [s('Dossier de soins', 'dossier-soins')],
  PHARMA: [s('Logiciel officine', 'lgo')],
  SHOP: [s('Logiciel métier', 'logiciel')],
  OWN: [s('Logiciel métier', 'logiciel')],
};

export function servicesFor(kind: 'ORG' | 'APP', place: PlaceKind): readonly Service[] {
  return (kind === 'ORG' ? ORGANISATIONAL : APPLICATIVE)[place];
}

/** Where ORG and APP mailboxes sit, by kind of place (relative weights). */
export const ORG_PLACES: Partial<Record<PlaceKind, number>> = { CH: 45, CLIN: 12, ESPIC: 5, EHPAD: 10, LAB: 8, CDS: 7, MSP: 7, PHARMA: 2, GROUP: 3, SEL: 1 };
export const APP_PLACES: Partial<Record<PlaceKind, number>> = { CH: 60, CLIN: 12, ESPIC: 4, LAB: 14, CDS: 3, MSP: 3, EHPAD: 2, PHARMA: 1, GROUP: 1 };

/** Prefixes of organisational local parts: `secretariat.cardiologie@…`. */
export const ORG_PREFIXES: readonly [string, number][] = [
  ['', 60],
  ['secretariat.', 15],
  ['cadre.', 6],
  ['medecins.', 6],
  ['consultation.', 8],
  ['sec-', 5],
];

/** A doctor's service at a hospital, from the speciality. */
export const SPECIALITY_SERVICES: Readonly<Record<string, string>> = {
  SM04: 'Service de cardiologie',
  SM73: 'Service de cardiologie',
  SM40: 'Service de pédiatrie',
  SM02: "Service d'anesthésie",
  SM42: 'Service de psychiatrie adulte',
  SM59: 'Service des urgences',
  SM20: 'Service de gynécologie-obstétrique',
  SM44: 'Service de radiologie',
  SM41: 'Service de pneumologie',
  SM24: 'Service de gastro-entérologie',
  SM32: 'Service de neurologie',
  SM30: 'Service de néphrologie',
  SM18: 'Service de gériatrie',
  SM27: 'Service de médecine interne',
  SM08: "Service d'orthopédie",
  SM14: 'Service de chirurgie viscérale',
  SM36: "Service d'oncologie",
  SM21: "Service d'hématologie",
  SM46: 'Service de réanimation',
  SM38: "Service d'ophtalmologie",
};

/** Renamings of a service the next day, so that a change is always a real change. */
export function renamedService(label: string, variant: number): string {
  const forms = [`Pôle ${label.replace(/^Service (de la |de l'|des |de |d'|du )?/, '')}`, `${label} - site principal`, `Unité ${label.replace(/^Service /, '')}`];
  const renamed = forms[variant % forms.length]!;
  return renamed === label ? `${label} (nouveau)` : renamed;
}
