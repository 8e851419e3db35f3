import { weightTable, type Rng, type WeightTable } from './random.ts';

/**
 * Names of the synthetic practitioners. Surnames are weighted like the French population (Martin
 * first, far ahead), with the regional names that make a Breton or a Réunion extraction look
 * like one, and the accents, hyphens, apostrophes and particles an importer must survive. The
 * directory writes surnames in capitals (accents kept) and first names as they are spelled.
 */

/** display: as published; slug: for address local parts; upper: capitals without accents (company names). */
export type Name = { display: string; slug: string; upper: string };

/** Lower case ASCII for an address local part: accents dropped, spaces to '-', apostrophes out. */
export function slugOf(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

/** Capitals without accents, as postal lines and registered company names are written. */
export function upperAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/Œ/g, 'OE')
    .replace(/Æ/g, 'AE');
}

// First names: name, then relative weights among practitioners born 1955-69, 1970-84, 1985-2000.
const FEMALE = `Marie:30:20:8 Nathalie:30:25:1 Isabelle:35:20:1 Sylvie:30:10:0 Catherine:35:6:0 Christine:30:6:0
Martine:25:1:0 Françoise:20:0:0 Brigitte:18:1:0 Véronique:22:12:0 Valérie:15:25:1 Sandrine:5:30:1 Stéphanie:3:30:3
Céline:1:30:6 Aurélie:0:22:10 Émilie:0:14:14 Julie:0:18:18 Sophie:8:22:6 Laurence:18:14:0 Florence:15:14:0
Corinne:15:10:0 Patricia:20:3:0 Anne:18:12:3 Hélène:12:12:5 Claire:8:12:8 Cécile:8:16:3 Delphine:2:20:2
Virginie:1:20:2 Caroline:3:18:5 Karine:2:18:1 Séverine:1:16:1 Agnès:12:4:0 Béatrice:12:3:0 Pascale:14:3:0
Chantal:16:0:0 Monique:8:0:0 Annie:10:0:0 Élisabeth:12:3:0 Emmanuelle:4:10:1 Audrey:0:12:10 Élodie:0:10:14
Amandine:0:6:14 Anaïs:0:2:14 Laura:0:2:16 Camille:0:3:16 Pauline:0:4:16 Marion:0:6:14 Mélanie:0:10:10
Charlotte:0:3:12 Sarah:0:4:14 Manon:0:0:14 Léa:0:0:12 Chloé:0:0:12 Mathilde:0:3:10 Justine:0:2:12 Lucie:0:4:12
Clémence:0:1:10 Océane:0:0:8 Marine:0:3:12 Morgane:0:4:10 Jessica:0:6:6 Alexandra:1:8:4 Noémie:0:1:8 Inès:0:1:9
Zoé:0:0:4 Maëlle:0:0:6 Maëva:0:0:5 Gaëlle:0:8:4 Solène:0:2:6 Héloïse:0:1:4 Éloïse:0:0:5 Bérénice:0:1:3
Agathe:0:1:5 Ophélie:0:2:6 Coralie:0:6:6 Fanny:0:6:6 Margaux:0:0:8 Juliette:0:1:7 Alice:0:1:6 Emma:0:0:6
Fatima:3:4:3 Nadia:3:5:2 Samira:2:4:2 Leïla:1:4:4 Yasmine:0:2:5 Myriam:3:5:2 Amina:0:2:4 Aïcha:1:2:3 Sonia:2:6:2
Sabrina:0:6:3 Khadija:1:2:2 Fatoumata:0:1:3 Aminata:0:1:3 Awa:0:1:2 Linh:0:1:1 Maria:2:2:1 Nicole:8:0:0
Danielle:6:0:0 Évelyne:8:1:0 Joëlle:7:1:0 Mireille:6:0:0 Géraldine:0:8:1 Marie-Christine:10:1:0
Marie-Hélène:8:1:0 Anne-Sophie:0:8:3 Marie-Laure:2:6:1 Anne-Laure:0:6:3 Marie-Pierre:6:1:0 Laëtitia:0:12:4
Maïté:1:2:1 Noëlle:2:1:0 Astrid:0:2:2 Margot:0:0:4 Apolline:0:0:2 Sigrid:1:1:0 Gwenaëlle:0:4:2 Nolwenn:0:3:3`;

const MALE = `Jean:20:4:1 Philippe:35:12:0 Pierre:20:12:8 Michel:25:1:0 Alain:25:1:0 Patrick:28:4:0 Christophe:8:35:1
Stéphane:5:30:1 Laurent:10:30:1 Frédéric:5:28:1 Sébastien:0:28:4 Julien:0:15:20 Thomas:0:10:22 David:2:25:4
Olivier:12:25:2 Éric:20:18:0 Pascal:25:8:0 François:20:8:2 Jérôme:2:20:2 Thierry:25:8:0 Vincent:4:20:6
Guillaume:0:12:16 Antoine:1:6:16 Alexandre:0:10:18 Maxime:0:2:20 Romain:0:4:18 Mathieu:0:10:14 Benjamin:0:6:14
Hugo:0:0:12 Lucas:0:0:12 Louis:1:1:8 Arthur:0:0:6 Théo:0:0:8 Clément:0:2:14 Quentin:0:1:14 Florian:0:2:12
Kévin:0:2:12 Jérémy:0:4:10 Cédric:0:16:3 Fabien:0:14:3 Grégory:0:14:2 Bruno:15:8:0 Didier:20:2:0 Gilles:20:3:0
Dominique:18:2:0 Hervé:18:4:0 Bernard:15:0:0 Yves:15:1:0 Jacques:15:0:0 Gérard:12:0:0 Daniel:15:1:0
Jean-Pierre:20:1:0 Jean-Marc:12:2:0 Jean-François:14:3:0 Jean-Luc:14:2:0 Jean-Michel:12:1:0 Pierre-Yves:4:4:1
Loïc:1:10:4 Gaël:0:6:4 Yannick:4:10:1 Erwan:0:4:4 Ronan:0:4:3 Anthony:0:10:8 Raphaël:0:2:8 Gaëtan:0:3:6
Mickaël:0:10:4 Noël:4:1:0 Joël:10:1:0 Benoît:6:12:4 Rémi:0:4:8 Aurélien:0:6:10 Damien:0:12:6 Adrien:0:2:12
Cyril:0:12:3 Xavier:10:10:2 Hugues:4:3:0 Mehdi:0:4:6 Karim:1:6:4 Mohamed:4:5:4 Youssef:0:1:4 Rachid:3:4:1
Samir:2:4:2 Nabil:1:4:2 Amine:0:1:6 Ibrahima:0:1:3 Moussa:0:1:3 Mamadou:0:2:3 Ousmane:0:1:2 Minh:0:1:1 Paul:6:3:8
Henri:4:1:2 Baptiste:0:1:10 Corentin:0:0:8 Victor:0:0:6 Nicolas:6:28:10 Emmanuel:6:12:2 Arnaud:2:16:4
Franck:6:14:1 Marc:14:6:1 Serge:14:1:0 Claude:12:0:0 Christian:18:2:0 Jean-Claude:10:0:0 Jean-Louis:12:1:0
Joseph:4:1:1 André:8:0:0 René:5:0:0 Hamid:2:2:1 Tarek:0:2:2 Ludovic:0:14:2 Régis:6:8:0 Bertrand:8:6:0
Sylvain:2:16:2 Matthieu:0:8:8 Valentin:0:0:8 Étienne:2:4:6 Jérémie:0:3:5 Timothée:0:0:3 Titouan:0:0:2
Jean-Baptiste:2:4:5 Aymeric:0:2:3 Côme:0:0:2 Anh:0:1:1`;

// National surnames: name and weight (thousands of bearers, order of magnitude of the INSEE counts).
const SURNAMES = `Martin:235 Bernard:105 Thomas:95 Petit:92 Robert:90 Richard:88 Durand:84 Dubois:84 Moreau:80 Laurent:77
Simon:76 Michel:75 Lefebvre:74 Leroy:71 Roux:69 David:68 Bertrand:67 Morel:66 Fournier:65 Girard:64 Bonnet:63
Dupont:62 Lambert:61 Fontaine:60 Rousseau:59 Vincent:58 Muller:55 Müller:3 Lefèvre:57 Faure:56 André:56 Mercier:55
Blanc:55 Guérin:54 Boyer:53 Garnier:52 Chevalier:52 François:51 Legrand:51 Gauthier:50 Garcia:50 Perrin:49
Robin:49 Clément:48 Morin:48 Nicolas:47 Henry:47 Roussel:46 Mathieu:46 Gautier:45 Masson:45 Marchand:44
Duval:44 Denis:44 Dumont:43 Marie:43 Lemaire:43 Noël:42 Meyer:42 Dufour:42 Meunier:41 Brun:41 Blanchard:41
Giraud:40 Joly:40 Rivière:40 Lucas:39 Brunet:39 Gaillard:39 Barbier:38 Arnaud:38 Martinez:38 Gérard:37
Roche:37 Renard:37 Schmitt:37 Roy:36 Leroux:36 Colin:36 Vidal:35 Caron:35 Picard:35 Roger:35 Fabre:35
Aubert:34 Lemoine:34 Renaud:34 Dumas:34 Lacroix:33 Olivier:33 Philippe:33 Bourgeois:33 Pierre:33 Benoît:32
Rey:32 Leclerc:32 Payet:32 Rolland:32 Leclercq:31 Guillaume:31 Lecomte:31 Lopez:31 Jean:31 Dupuy:30 Guillot:30
Hubert:30 Berger:30 Carpentier:30 Sanchez:30 Dupuis:29 Moulin:29 Louis:29 Deschamps:29 Huet:29 Vasseur:28
Perez:28 Boucher:28 Fleury:28 Royer:28 Klein:28 Jacquet:28 Adam:27 Paris:27 Poirier:27 Marty:27 Aubry:27
Guyot:27 Carré:27 Charles:26 Renault:26 Charpentier:26 Ménard:26 Maillard:26 Baron:26 Bertin:26 Bailly:26
Hervé:26 Schneider:26 Fernandez:25 Le Gall:25 Collet:25 Léger:25 Bouvier:25 Julien:25 Prévost:25 Millet:25
Perrot:25 Daniel:25 Le Roux:25 Cousin:24 Germain:24 Breton:24 Besson:24 Langlois:24 Rémy:24 Le Goff:24
Pelletier:24 Lévêque:24 Perrier:24 Leblanc:24 Barré:23 Lebrun:23 Marchal:23 Weber:23 Mallet:23 Hamon:23
Boulanger:23 Jacob:23 Monnier:23 Michaud:23 Rodriguez:23 Guichard:23 Gillet:23 Étienne:23 Grondin:23
Poulain:22 Tessier:22 Chevallier:22 Collin:22 Chauvin:22 Da Silva:22 Bouchet:22 Gay:22 Lemaître:22 Bénard:22
Maréchal:22 Humbert:22 Reynaud:22 Antoine:22 Hoarau:22 Perret:22 Barthélemy:21 Cordier:21 Pichon:21
Lejeune:21 Gilbert:21 Lamy:21 Delaunay:21 Pasquier:21 Carlier:21 Laporte:21 Dos Santos:14 Pereira:12
Ferreira:10 Rodrigues:10 Oliveira:8 Gonçalves:6 Fernandes:8 Lopes:9 Martins:8 Carvalho:5 De Sousa:5 Teixeira:5
Gomes:6 Alves:5 Ribeiro:5 Pinto:4 Da Costa:6 Moreira:4 Monteiro:3 Mendes:4 Marques:5 De Oliveira:6 D'Almeida:2
Gonzalez:15 Gomez:10 Diaz:8 Ruiz:8 Moreno:7 Muñoz:2 Jimenez:5 Alvarez:6 Romero:6 Navarro:5 Hernandez:8
Torres:6 Serrano:4 Ibáñez:1 Gutierrez:4 Russo:3 Ferrari:4 Esposito:3 Bianchi:2 Romano:3 Colombo:3 Ricci:3
Marino:3 Greco:2 Bruno:8 Conti:3 De Luca:2 Costa:6 Giordano:3 Mancini:2 Rizzo:2 Lombardi:2 Moretti:2 Fontana:3
Santoro:2 Rinaldi:2 Caruso:2 Galli:3 Martini:4 Leone:2 Gentile:2 D'Angelo:1.5 Di Martino:1.2 D'Alessandro:1
Benali:4 Benaïssa:2 Haddad:4 Mansouri:3 Belkacem:2 Bouzid:2 Cherif:3 Amrani:3 Saïdi:3 Khelifi:2 Hamidi:3
Ben Salah:1.5 Benyahia:1.5 Ait Ahmed:1.5 Aït-Ali:1 Bouaziz:2 Zerrouki:1 Meddah:1 El Amrani:2 El Idrissi:1.5
Ouali:1.5 Brahimi:3 Messaoudi:3 Rahmani:2.5 Boudjema:1 Belhadj:2 Benchikh:1 Chaouch:1 Djebbar:1 Ferhat:1.5
Kaci:2 Laïdi:1 Larbi:1.5 Mebarki:1.5 Nasri:1.5 Slimani:2 Taleb:1.5 Yahiaoui:1.5 Zitouni:1.5 Benmoussa:1.5
N'Diaye:3 Diallo:5 Traoré:5 Koné:3 Diop:3 Sow:2 Ba:2 Camara:3 Sylla:2 Keïta:2 Coulibaly:4 Diarra:2 Cissé:2
Touré:2 Fofana:2 Konaté:2 Sissoko:1.5 Dembélé:2 N'Guessan:1 Kouassi:1 Kouamé:1 Mendy:2 Gomis:2 Sarr:1.5
Faye:2 Diakité:1.5 Sangaré:1.5 Kanté:1.5 Dramé:1 M'Bengue:0.8 Nguyễn:3 Nguyen:10 Tran:5 Trần:0.5 Pham:3
Phạm:0.3 Le:3 Lê:0.5 Vo:1 Dang:1.5 Hoang:1.5 Huynh:1.5 Vu:1 Truong:1.5 Chen:2 Wang:1.5 Li:1.5 Zhang:1.2
Lin:1.2 Lam:2 Ly:2 Phan:1.5 Ngo:1 Do:1.5 Ho:1.5 Kowalski:2 Nowak:1.5 Lewandowski:1.5 Wiśniewski:0.5
Kaminski:1 Popescu:0.8 Ionescu:0.5 Yilmaz:1.5 Kaya:1 Demir:1 Öztürk:0.5 Çelik:0.5 Hakobyan:0.3 Ivanov:0.5
Novak:0.7 de La Fontaine:0.4 de La Roche:0.5 de La Tour:0.4 de Villiers:0.5 du Pont:0.4 d'Aubigny:0.2
de Lattre:0.2 de Bonneval:0.2 des Roches:0.3 Le Roy:6 La Rocca:0.5 D'Hondt:0.6 Dell'Aquila:0.3 O'Neill:0.2
Mac Gregor:0.1 Saint-Martin:0.8 Saint-Jean:0.6 Lévy:8 Cohen:7 Azoulay:1.5 Benhamou:1.5 Attal:1 Zerbib:0.8`;

/** Where regional names are common: their share among the department's practitioners. */
const REGIONAL: readonly { departments: readonly string[]; share: number; names: string }[] = [
  {
    departments: ['22', '29', '35', '56'],
    share: 0.3,
    names: `Le Gall:8 Le Goff:8 Le Bihan:5 Le Floch:4 Le Guen:5 Le Corre:4 Le Moal:3 Kerbrat:3 Guivarc'h:2 Le Bris:4
Tanguy:6 Quéré:3 Le Hir:3 Kervella:2 Le Meur:4 Gourvès:1.5 Le Du:2 Le Roux:8 Le Cam:3 Jaouen:2 Riou:3 Morvan:5
Cadiou:3 Le Borgne:3 Le Gac:2 L'Hostis:1.5 Le Berre:3 Hamon:5 Guillou:4 Le Pape:2 Nédélec:2 Le Bras:3 Le Lay:2
Le Scouarnec:1 Quéméner:1.5 Le Page:2 Derrien:2 Prigent:3 Daniel:4 Le Guillou:2 Kerhervé:1 Le Saux:2`,
  },
  {
    departments: ['57', '67', '68'],
    share: 0.3,
    names: `Schmitt:8 Muller:8 Müller:2 Meyer:7 Weber:5 Klein:5 Schneider:5 Fischer:4 Hoffmann:4 Wagner:4 Koch:3
Becker:3 Zimmermann:3 Kieffer:2 Schwartz:3 Schaeffer:2 Walter:3 Hartmann:2 Kuntz:2 Roth:2 Lang:2 Wolff:3 Frey:2
Huber:2 Stoll:1.5 Haas:1.5 Kern:1.5 Bauer:2 Jung:3 Braun:2 Gross:2 Ott:1.5 Weiss:2 Heitz:1 Sutter:1 Ehrhart:1
Herrmann:2 Schmidt:3 Bürckel:0.5 Grünenwald:0.4`,
  },
  {
    departments: ['59', '62'],
    share: 0.2,
    names: `Lefebvre:8 Lemaire:5 Dubois:5 Vandenbussche:1.5 Deconinck:1.5 Vanhoutte:1 Leclercq:5 Delattre:3 Dufour:3
Delvallez:1 Dhainaut:1 Desmet:1 Devos:2 Vandamme:1.5 Vasseur:4 Verhaeghe:1 Decroix:1 Lecocq:2 Lemoine:3 Lebrun:3
Caron:4 Wattez:1 Delannoy:2 Duhamel:2 Delcroix:1.5 Carpentier:3 Bouchez:1 Dubrulle:1 Pruvost:1.5 Dupont:4
Delplanque:1 Vandewalle:1 Van de Velde:0.8`,
  },
  {
    departments: ['2A', '2B'],
    share: 0.4,
    names: `Santoni:3 Luciani:3 Casanova:3 Filippi:3 Giacomoni:1.5 Leca:2 Mattei:3 Paoli:3 Franceschi:2 Colonna:3 Poli:2
Pietri:2 Simeoni:1.5 Orsini:2 Antonietti:1 Bartoli:2 Ceccaldi:1.5 Cristofari:1.5 Marchetti:2 Peretti:2 Rossi:3
Vincenti:1.5 Acquaviva:1 Agostini:1.5 Albertini:1.5 Colonna d'Istria:0.4`,
  },
  {
    departments: ['64'],
    share: 0.25,
    names: `Etcheverry:3 Etchegaray:2 Irigoyen:1.5 Elissalde:1 Larralde:1 Harriague:0.8 Dufau:1.5 Lacoste:2 Lasserre:2
Bordenave:1.5 Haristoy:0.5 Arrieta:0.8 Ospital:0.8 Laborde:2 Cazenave:1.5 Lamarque:1.5 Darrigrand:0.7 Iriart:0.7
Ithurralde:0.5 Goyhenetche:0.5`,
  },
  {
    departments: ['09', '11', '12', '24', '31', '32', '33', '40', '46', '47', '65', '81', '82'],
    share: 0.15,
    names: `Delmas:3 Bousquet:2.5 Puech:1.5 Castagné:1 Fabre:3 Vidal:3 Cazals:1.5 Marty:3 Rouquette:1.5 Bonnafous:1
Lafon:2 Laffont:1.5 Dupuy:2 Lacaze:1.5 Fauré:1.5 Barthe:1.5 Cabanes:1.5 Bergé:1 Soulié:1.5 Vergnes:1 Calmels:1
Carrère:1.5 Pujol:2 Sabatier:1.5 Lagarde:1.5`,
  },
  {
    departments: ['04', '05', '06', '13', '83', '84'],
    share: 0.15,
    names: `Blanc:3 Martinez:3 Garcia:3 Rey:2.5 Imbert:1.5 Giraud:2.5 Roux:3 Arnaud:2.5 Reynaud:2 Gilly:1 Brémond:1
Bonifay:1 Olive:1 Santini:1.5 Ferrari:1.5 Russo:1.5 Rossi:1.5 Agostini:1 Martini:1 Baudino:1 Giordano:1.5
Pellegrino:1 Bianchi:1`,
  },
  {
    departments: ['974'],
    share: 0.55,
    names: `Payet:10 Hoarau:8 Grondin:7 Técher:4 Fontaine:4 Boyer:4 Robert:4 Lebon:3 Dijoux:2 Rivière:3 Maillot:2
Nativel:2 Turpin:2 Lauret:2 Morel:2 Hoareau:2 Ethève:1.5 Clain:1.5 Sinama:1 Picard:1.5 Mussard:1 Ramassamy:1.5
Virapoullé:1 Gonthier:1.5 Bègue:1.5 Ah-Thion:0.5 Ah-Hot:0.5`,
  },
  {
    departments: ['971', '972', '973'],
    share: 0.45,
    names: `Jean-Baptiste:2 Joseph:2 Alexis:1.5 Édouard:1.5 Cadet:1 Bellance:0.8 Jean-Louis:1.5 Saint-Louis:1
Marie-Sainte:0.8 Sainte-Rose:0.8 Fortuné:0.8 Ursulet:0.5 Louis:2 Romain:1.5 Dorville:0.5 Vital:0.8 Pierre-Louis:1
Césaire:0.5 Nelson:0.5 Charles:1.5 Gustave:0.5 Philogène:0.3 Lubin:0.7 Beaujour:0.4 Zénon:0.4`,
  },
  {
    departments: ['976'],
    share: 0.7,
    names: `Attoumani:3 Madi:3 Ali:4 Saïd:3 Ahmed:3 Mohamed:3 Abdou:2 Soilihi:2 Houmadi:2 Combo:1 Abdallah:2 Anli:1
Boina:1 Ousseni:1.5 Bacar:1.5 Daoud:1 Hamada:1 Youssouf:1.5 M'Colo:0.5`,
  },
];

type NameList = { names: Name[]; table: WeightTable };

function surnameList(text: string): NameList {
  const names: Name[] = [];
  const weights: number[] = [];
  // Names may hold spaces ("Le Gall"), never ':'.
  for (const [, name, weight] of text.matchAll(/\s*([^:]+?):([\d.]+)/g)) {
    names.push({ display: name!.toUpperCase(), slug: slugOf(name!), upper: upperAscii(name!) });
    weights.push(Number(weight));
  }
  return { names, table: weightTable(weights) };
}

/** Three lists, one per birth generation, over the same names. */
function firstNameLists(text: string): NameList[] {
  const entries = text.split(/\s+/).filter(Boolean).map((entry) => entry.split(':'));
  const names = entries.map(([name]) => ({ display: name!, slug: slugOf(name!), upper: upperAscii(name!) }));
  return [1, 2, 3].map((generation) => ({ names, table: weightTable(entries.map((entry) => Number(entry[generation]))) }));
}

const FEMALE_LISTS = firstNameLists(FEMALE);
const MALE_LISTS = firstNameLists(MALE);
const NATIONAL = surnameList(SURNAMES);
const REGIONAL_LISTS = new Map<string, { share: number; list: NameList }>();
for (const region of REGIONAL) {
  const list = surnameList(region.names);
  for (const department of region.departments) REGIONAL_LISTS.set(department, { share: region.share, list });
}

export type Gender = 'F' | 'M';

/** generation: 0 born 1955-69, 1 born 1970-84, 2 born 1985-2000. */
export function pickFirstName(rng: Rng, gender: Gender, generation: number): Name {
  const list = (gender === 'F' ? FEMALE_LISTS : MALE_LISTS)[generation]!;
  return list.names[rng.weighted(list.table)]!;
}

function pickOneSurname(rng: Rng, department: string): Name {
  const regional = REGIONAL_LISTS.get(department);
  const list = regional !== undefined && rng.chance(regional.share) ? regional.list : NATIONAL;
  return list.names[rng.weighted(list.table)]!;
}

/** A surname for someone practising in `department`; about 3% carry two names joined by '-'. */
export function pickSurname(rng: Rng, department: string): Name {
  const first = pickOneSurname(rng, department);
  if (!rng.chance(0.03)) return first;
  const second = pickOneSurname(rng, department);
  if (second.slug === first.slug) return first;
  return { display: `${first.display}-${second.display}`, slug: `${first.slug}-${second.slug}`, upper: `${first.upper}-${second.upper}` };
}
