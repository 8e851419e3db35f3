/**
 * Mail as a hospital service's shared mailbox receives it: French subjects (some of them
 * MSSanté documents), a few KB of text, one in five with a small attachment. Drawn from a seeded
 * generator, so that two runs list and open the same kind of messages.
 */

export type Correspondent = { id: string; displayName: string };

export const CORRESPONDENTS: readonly Correspondent[] = [
  { id: 'jean.dupont', displayName: 'Dr Jean Dupont' },
  { id: 'aurelie.lefevre', displayName: 'Dr Aurélie Lefèvre' },
  { id: 'francois.moreau', displayName: 'Dr François Moreau' },
  { id: 'helene.girard', displayName: 'Hélène Girard' },
  { id: 'laboratoire.bio', displayName: 'Laboratoire Biologie Médicale du Centre' },
  { id: 'mathieu.roux', displayName: 'Dr Mathieu Roux' },
  { id: 'chloe.fournier', displayName: 'Chloé Fournier' },
  { id: 'cabinet.radiologie', displayName: 'Cabinet de radiologie Pasteur' },
  { id: 'noemie.blanc', displayName: 'Dr Noémie Blanc' },
  { id: 'ehpad.tilleuls', displayName: 'EHPAD Les Tilleuls — infirmerie' },
  { id: 'gaelle.bonnet', displayName: 'Dr Gaëlle Bonnet' },
  { id: 'remi.chevalier', displayName: 'Rémi Chevalier' },
];

const PATIENTS = [
  ['MARTIN', 'Élise', '12/03/1954'],
  ['BERNARD', 'Lucien', '02/11/1947'],
  ['PETIT', 'Josiane', '28/06/1961'],
  ['DURAND', 'Théo', '17/01/1989'],
  ['LEROY', 'Geneviève', '05/09/1939'],
  ['MOREL', 'André', '21/12/1950'],
  ['FAURE', 'Maëlys', '30/04/2001'],
  ['ANDRÉ', 'Raymond', '14/07/1944'],
  ['MERCIER', 'Françoise', '09/02/1958'],
  ['GAUTHIER', 'Benoît', '23/08/1972'],
] as const;

const SUBJECTS: readonly ((p: (typeof PATIENTS)[number], day: string) => string)[] = [
  (p, day) => `XDM/1.0/DDM+Compte rendu d’hospitalisation ${p[0]} ${p[1]} ${p[2]}`,
  (p) => `XDM/1.0/DDM+Lettre de liaison ${p[0]} ${p[1]} ${p[2]}`,
  (p, day) => `Résultats biologiques — bilan du ${day} (${p[0]} ${p[1]})`,
  (p) => `Demande d’avis cardiologique pour ${p[1]} ${p[0]}`,
  (p, day) => `Échographie cardiaque du ${day} : compte rendu`,
  (p) => `RE: Rendez-vous de contrôle — ${p[1]} ${p[0]}`,
  (p) => `Convocation consultation de suivi (${p[0]})`,
  (p, day) => `Holter ECG posé le ${day}, résultats à interpréter`,
  (p) => `Ordonnance de sortie — ${p[1]} ${p[0]}, né(e) le ${p[2]}`,
  (p) => `Transmission infirmière : surveillance tensionnelle de ${p[1]} ${p[0]}`,
  (p, day) => `Urgent : douleur thoracique, patient vu ce jour ${day}`,
  (p) => `TR: Courrier du médecin traitant concernant ${p[1]} ${p[0]}`,
];

const SENTENCES = [
  'Je vous adresse ce patient pour avis concernant une dyspnée d’effort d’aggravation progressive depuis trois mois.',
  'L’électrocardiogramme retrouve un rythme sinusal régulier à 72 battements par minute, sans trouble de la repolarisation.',
  'Le bilan biologique montre une créatininémie à 98 µmol/L, une kaliémie à 4,2 mmol/L et un NT-proBNP à 450 pg/mL.',
  'L’échographie transthoracique met en évidence une fraction d’éjection ventriculaire gauche conservée, estimée à 58 %.',
  'Traitement habituel : bisoprolol 2,5 mg le matin, ramipril 5 mg le soir, atorvastatine 20 mg, apixaban 5 mg deux fois par jour.',
  'La patiente signale des palpitations nocturnes brèves, sans malaise ni perte de connaissance.',
  'Nous proposons une surveillance clinique à un mois puis une réévaluation échographique à six mois.',
  'Merci de bien vouloir nous faire parvenir les résultats du prochain contrôle de l’INR.',
  'Antécédents : hypertension artérielle depuis 2009, diabète de type 2 équilibré sous metformine, tabagisme sevré en 2015.',
  'À l’examen, la pression artérielle est à 138/84 mmHg, sans souffle ni signe d’insuffisance cardiaque droite.',
  'Le patient a bien compris les consignes de surveillance du poids et des œdèmes des membres inférieurs.',
  'Une coronarographie est programmée le mardi suivant ; le patient sera hospitalisé la veille au soir.',
  'Je reste à votre disposition pour tout renseignement complémentaire.',
  'Le compte rendu détaillé est joint à ce message au format PDF.',
];

const ATTACHMENTS = ['compte-rendu.pdf', 'ECG.pdf', 'ordonnance.pdf', 'bilan-biologique.pdf', 'courrier.pdf'];

/** A small seeded generator (mulberry32): the same seed, the same mailbox. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Letter = { from: string; to: string; raw: Buffer };

/** The i-th letter of the mailbox, from one of the correspondents to `to`. */
export function letter(i: number, domain: string, to: string, sentAt: Date): Letter {
  const random = seededRandom(i + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sender = pick(CORRESPONDENTS);
  const from = `${sender.id}@${domain}`;
  const patient = pick(PATIENTS);
  const day = sentAt.toLocaleDateString('fr-FR', { timeZone: 'Europe/Paris' });
  const subject = pick(SUBJECTS)(patient, day);
  const paragraphs: string[] = ['Chère consœur, cher confrère,', ''];
  // 2 to 5 KB of text: paragraphs of three to six sentences.
  const target = 2048 + Math.floor(random() * 3072);
  while (paragraphs.join('\r\n').length < target) {
    const count = 3 + Math.floor(random() * 4);
    paragraphs.push(Array.from({ length: count }, () => pick(SENTENCES)).join(' '), '');
  }
  paragraphs.push('Bien confraternellement,', sender.displayName, '');
  const text = paragraphs.map(wrap).join('\r\n');
  const headers = [
    `From: ${encodeWords(sender.displayName)} <${from}>`,
    `To: ${to}`,
    `Subject: ${encodeWords(subject)}`,
    `Date: ${sentAt.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <web-bench.${i}.${Math.floor(random() * 1e12).toString(36)}@${domain}>`,
    'MIME-Version: 1.0',
  ];
  if (random() >= 0.2) {
    const raw = [...headers, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text, ''].join('\r\n');
    return { from, to, raw: Buffer.from(raw) };
  }
  const boundary = `=_missive_bench_${i}`;
  const name = pick(ATTACHMENTS);
  const raw = [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    text,
    `--${boundary}`,
    `Content-Type: application/pdf; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    fakePdf(random, 8 * 1024 + Math.floor(random() * 24 * 1024)),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { from, to, raw: Buffer.from(raw) };
}

/** RFC 2047 encoded words of at most 75 characters, folded. */
function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  // 45 bytes of UTF-8 make 60 of base64, 72 with the markers; a character is never split.
  const words: string[] = [];
  let chunk = '';
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`).join('\r\n ');
}

/** Lines of at most 76 characters, cut at spaces, as mail clients send them. */
function wrap(paragraph: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of paragraph.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 76) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** A PDF's header and pseudo-random bytes, base64 in 76-character lines. */
function fakePdf(random: () => number, size: number): string {
  const bytes = Buffer.alloc(size);
  bytes.write('%PDF-1.7\n');
  for (let k = 9; k < size; k++) bytes[k] = Math.floor(random() * 256);
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
}
