import { slugOf, upperAscii } from './names.ts';
import { weightTable, type WeightTable } from './random.ts';

/**
 * The 101 departments with their main communes and postcodes, weighted by population (thousands
 * of inhabitants, rounded) and by the density of practitioners (Paris and the big university
 * cities have more per inhabitant). A '*' marks the commune of a university hospital (CHU).
 */

export type Commune = {
  name: string;
  postcodes: readonly string[];
  weight: number;
  chu: boolean;
  /** The city an arrondissement belongs to ("Marseille" for "Marseille 8e Arrondissement"). */
  city: string;
  /** The city in capitals without accents, for registered names ("SAINT-ETIENNE"). */
  cityUpper: string;
  citySlug: string;
  /** The town of the postal delivery line ("SAINT ETIENNE"). */
  deliveryTown: string;
};
export type Department = {
  code: string;
  name: string;
  /** Key of the region's operator domain (`<region>.mssante.fr`). */
  region: string;
  /** First digits of landline numbers. */
  phone: string;
  weight: number;
  communes: readonly Commune[];
  communeTable: WeightTable;
};

// code|name|region|population (k)|phone prefix|density|communes "Name:postcode[,postcode]:weight;..."
const DATA = `01|Ain|ara|657|04|1|Bourg-en-Bresse:01000:42;Oyonnax:01100:22;Ambérieu-en-Bugey:01500:15;Valserhône:01200:16;Ferney-Voltaire:01210:10;Saint-Genis-Pouilly:01630:13;Gex:01170:13
02|Aisne|hdf|529|03|1|Laon:02000:24;Saint-Quentin:02100:53;Soissons:02200:28;Château-Thierry:02400:14;Chauny:02300:11;Tergnier:02700:13
03|Allier|ara|335|04|1|Moulins:03000:19;Montluçon:03100:34;Vichy:03200:25;Cusset:03300:13;Yzeure:03400:13
04|Alpes-de-Haute-Provence|paca|165|04|1|Digne-les-Bains:04000:16;Manosque:04100:22;Sisteron:04200:8;Forcalquier:04300:5;Château-Arnoux-Saint-Auban:04160:5
05|Hautes-Alpes|paca|141|04|1|Gap:05000:41;Briançon:05100:11;Embrun:05200:6;Laragne-Montéglin:05300:3.5
06|Alpes-Maritimes|paca|1094|04|1.15|*Nice:06000,06100,06200,06300:342;Antibes:06600:73;Cannes:06400:74;Grasse:06130:51;Cagnes-sur-Mer:06800:51;Menton:06500:30;Le Cannet:06110:41;Saint-Laurent-du-Var:06700:29
07|Ardèche|ara|328|04|1|Privas:07000:8;Annonay:07100:17;Aubenas:07200:12;Guilherand-Granges:07500:11;Tournon-sur-Rhône:07300:11
08|Ardennes|grand-est|270|03|1|Charleville-Mézières:08000:46;Sedan:08200:16;Rethel:08300:7.5;Givet:08600:6.5;Revin:08500:6
09|Ariège|occitanie|153|05|1|Foix:09000:9.5;Pamiers:09100:16;Saint-Girons:09200:6;Lavelanet:09300:6
10|Aube|grand-est|310|03|1|Troyes:10000:62;Romilly-sur-Seine:10100:14;La Chapelle-Saint-Luc:10600:12;Saint-André-les-Vergers:10120:12;Bar-sur-Aube:10200:5
11|Aude|occitanie|375|04|1|Carcassonne:11000:46;Narbonne:11100:55;Castelnaudary:11400:12;Limoux:11300:10;Lézignan-Corbières:11200:11
12|Aveyron|occitanie|279|05|1|Rodez:12000:24;Millau:12100:22;Villefranche-de-Rouergue:12200:12;Onet-le-Château:12850:12;Decazeville:12300:5
13|Bouches-du-Rhône|paca|2043|04|1.15|*Marseille 1er Arrondissement:13001:40;Marseille 4e Arrondissement:13004:48;Marseille 5e Arrondissement:13005:45;Marseille 8e Arrondissement:13008:80;Marseille 9e Arrondissement:13009:75;Marseille 10e Arrondissement:13010:56;Marseille 12e Arrondissement:13012:60;Marseille 13e Arrondissement:13013:92;Marseille 14e Arrondissement:13014:61;Marseille 15e Arrondissement:13015:80;Aix-en-Provence:13090,13100:145;Arles:13200:51;Martigues:13500:49;Aubagne:13400:47;Istres:13800:44;Salon-de-Provence:13300:45;Vitrolles:13127:34;Marignane:13700:33;La Ciotat:13600:36
14|Calvados|normandie|695|02|1|*Caen:14000:108;Hérouville-Saint-Clair:14200:22;Lisieux:14100:20;Bayeux:14400:13;Vire Normandie:14500:17;Honfleur:14600:7;Mondeville:14120:9.5
15|Cantal|ara|144|04|1|Aurillac:15000:26;Saint-Flour:15100:6.5;Mauriac:15200:3.5;Arpajon-sur-Cère:15130:6
16|Charente|nouvelle-aquitaine|352|05|1|Angoulême:16000:42;Cognac:16100:19;Soyaux:16800:9.5;La Couronne:16400:7.5;Ruelle-sur-Touvre:16600:7
17|Charente-Maritime|nouvelle-aquitaine|655|05|1|La Rochelle:17000:77;Saintes:17100:26;Rochefort:17300:24;Royan:17200:19;Aytré:17440:9;Jonzac:17500:3.5
18|Cher|cvl|299|02|1|Bourges:18000:64;Vierzon:18100:26;Saint-Amand-Montrond:18200:9.5;Aubigny-sur-Nère:18700:5.5
19|Corrèze|nouvelle-aquitaine|239|05|1|Tulle:19000:15;Brive-la-Gaillarde:19100:46;Ussel:19200:9.5;Malemort:19360:8
21|Côte-d'Or|bfc|534|03|1|*Dijon:21000:159;Beaune:21200:20;Chenôve:21300:14;Talant:21240:11;Quetigny:21800:9.5;Montbard:21500:5
22|Côtes-d'Armor|bretagne|600|02|1|Saint-Brieuc:22000:44;Lannion:22300:20;Dinan:22100:14;Lamballe-Armor:22400:17;Guingamp:22200:7;Loudéac:22600:9.5;Paimpol:22500:7
23|Creuse|nouvelle-aquitaine|116|05|1|Guéret:23000:13;La Souterraine:23300:5;Aubusson:23200:3.3;Bourganeuf:23400:2.5
24|Dordogne|nouvelle-aquitaine|413|05|1|Périgueux:24000:30;Bergerac:24100:27;Sarlat-la-Canéda:24200:9;Coulounieix-Chamiers:24660:8;Boulazac Isle Manoire:24750:11;Terrasson-Lavilledieu:24120:6
25|Doubs|bfc|543|03|1|*Besançon:25000:120;Montbéliard:25200:25;Pontarlier:25300:17;Audincourt:25400:14;Valentigney:25700:11;Morteau:25500:7
26|Drôme|ara|517|04|1|Valence:26000:64;Montélimar:26200:40;Romans-sur-Isère:26100:33;Bourg-lès-Valence:26500:20;Pierrelatte:26700:13;Die:26150:4.5
27|Eure|normandie|599|02|1|Évreux:27000:47;Vernon:27200:24;Louviers:27400:18;Val-de-Reuil:27100:13;Bernay:27300:10;Les Andelys:27700:8
28|Eure-et-Loir|cvl|431|02|1|Chartres:28000:39;Dreux:28100:31;Lucé:28110:16;Vernouillet:28500:12;Châteaudun:28200:13;Nogent-le-Rotrou:28400:10
29|Finistère|bretagne|915|02|1|Quimper:29000:63;*Brest:29200:140;Morlaix:29600:15;Concarneau:29900:20;Landerneau:29800:16;Quimperlé:29300:12;Douarnenez:29100:14;Landivisiau:29400:9
2A|Corse-du-Sud|corse|158|04|1|Ajaccio:20000,20090:72;Porto-Vecchio:20137:12;Propriano:20110:3.5;Sartène:20100:3.5
2B|Haute-Corse|corse|182|04|1|Bastia:20200,20600:48;Corte:20250:7.5;Calvi:20260:5.5;Biguglia:20620:8;L'Île-Rousse:20220:3
30|Gard|occitanie|748|04|1|*Nîmes:30000,30900:148;Alès:30100:42;Bagnols-sur-Cèze:30200:18;Beaucaire:30300:16;Saint-Gilles:30800:14;Vauvert:30600:12;Uzès:30700:8
31|Haute-Garonne|occitanie|1415|05|1.15|*Toulouse:31000,31100,31200,31300,31400,31500:498;Colomiers:31770:39;Tournefeuille:31170:28;Muret:31600:26;Blagnac:31700:25;Balma:31130:17;Saint-Gaudens:31800:11;L'Union:31240:12
32|Gers|occitanie|191|05|1|Auch:32000:22;Condom:32100:6.5;L'Isle-Jourdain:32600:9;Fleurance:32500:6.5;Eauze:32800:4
33|Gironde|nouvelle-aquitaine|1636|05|1.15|*Bordeaux:33000,33100,33200,33300,33800:260;Mérignac:33700:72;Pessac:33600:65;Talence:33400:43;Villenave-d'Ornon:33140:35;Saint-Médard-en-Jalles:33160:32;Bègles:33130:30;La Teste-de-Buch:33260:26;Libourne:33500:25;Arcachon:33120:11
34|Hérault|occitanie|1189|04|1.15|*Montpellier:34000,34070,34080,34090:300;Béziers:34500:79;Sète:34200:44;Agde:34300:29;Lunel:34400:26;Frontignan:34110:23;Castelnau-le-Lez:34170:21;Lattes:34970:17
35|Ille-et-Vilaine|bretagne|1094|02|1.15|*Rennes:35000,35200,35700:222;Saint-Malo:35400:47;Fougères:35300:20;Vitré:35500:19;Cesson-Sévigné:35510:18;Bruz:35170:19;Redon:35600:9.5;Dinard:35800:10
36|Indre|cvl|217|02|1|Châteauroux:36000:43;Issoudun:36100:12;Le Blanc:36300:6.5;Argenton-sur-Creuse:36200:5;Déols:36130:7.5
37|Indre-et-Loire|cvl|612|02|1|*Tours:37000,37100,37200:137;Joué-lès-Tours:37300:38;Saint-Cyr-sur-Loire:37540:16;Saint-Pierre-des-Corps:37700:16;Amboise:37400:13;Chinon:37500:8;Loches:37600:6.5
38|Isère|ara|1283|04|1.15|*Grenoble:38000,38100:158;Saint-Martin-d'Hères:38400:38;Échirolles:38130:36;Vienne:38200:30;Bourgoin-Jallieu:38300:29;Fontaine:38600:23;Voiron:38500:20;Meylan:38240:17;Villefontaine:38090:19
39|Jura|bfc|259|03|1|Lons-le-Saunier:39000:17;Dole:39100:23;Saint-Claude:39200:9;Champagnole:39300:8;Hauts de Bienne:39400:6;Poligny:39800:4
40|Landes|nouvelle-aquitaine|413|05|1|Mont-de-Marsan:40000:30;Dax:40100:21;Biscarrosse:40600:15;Saint-Paul-lès-Dax:40990:14;Capbreton:40130:9;Mimizan:40200:7
41|Loir-et-Cher|cvl|329|02|1|Blois:41000:46;Vendôme:41100:16;Romorantin-Lanthenay:41200:17;Vineuil:41350:8;Mer:41500:6.5
42|Loire|ara|765|04|1|*Saint-Étienne:42000,42100:173;Roanne:42300:34;Saint-Chamond:42400:35;Firminy:42700:17;Montbrison:42600:16;Rive-de-Gier:42800:15;Saint-Just-Saint-Rambert:42170:15
43|Haute-Loire|ara|228|04|1|Le Puy-en-Velay:43000:19;Monistrol-sur-Loire:43120:9;Yssingeaux:43200:7;Brioude:43100:6.5;Sainte-Sigolène:43600:6
44|Loire-Atlantique|pays-de-la-loire|1437|02|1.15|*Nantes:44000,44100,44200,44300:320;Saint-Nazaire:44600:71;Saint-Herblain:44800:47;Rezé:44400:42;Saint-Sébastien-sur-Loire:44230:28;Orvault:44700:27;Vertou:44120:25;Carquefou:44470:20;La Baule-Escoublac:44500:16;Châteaubriant:44110:12;Ancenis-Saint-Géréon:44150:11
45|Loiret|cvl|681|02|1|*Orléans:45000:117;Olivet:45160:22;Fleury-les-Aubrais:45400:21;Montargis:45200:15;Saint-Jean-de-Braye:45800:21;Gien:45500:14;Pithiviers:45300:9.5
46|Lot|occitanie|174|05|1|Cahors:46000:20;Figeac:46100:10;Gourdon:46300:4;Souillac:46200:3.5;Saint-Céré:46400:3.5
47|Lot-et-Garonne|nouvelle-aquitaine|331|05|1|Agen:47000:33;Villeneuve-sur-Lot:47300:22;Marmande:47200:18;Le Passage:47520:9.5;Tonneins:47400:9;Nérac:47600:7
48|Lozère|occitanie|76|04|1|Mende:48000:12;Marvejols:48100:5;Saint-Chély-d'Apcher:48200:4;Florac Trois Rivières:48400:2
49|Maine-et-Loire|pays-de-la-loire|818|02|1|*Angers:49000,49100:155;Cholet:49300:54;Saumur:49400:26;Avrillé:49240:14;Les Ponts-de-Cé:49130:13;Trélazé:49800:15;Segré-en-Anjou Bleu:49500:17
50|Manche|normandie|495|02|1|Saint-Lô:50000:19;Cherbourg-en-Cotentin:50100:79;Granville:50400:13;Avranches:50300:10;Coutances:50200:8.5;Valognes:50700:6.5
51|Marne|grand-est|567|03|1|Châlons-en-Champagne:51000:44;*Reims:51100:181;Épernay:51200:22;Vitry-le-François:51300:12;Tinqueux:51430:10;Sézanne:51120:5
52|Haute-Marne|grand-est|171|03|1|Chaumont:52000:22;Saint-Dizier:52100:23;Langres:52200:8;Joinville:52300:3
53|Mayenne|pays-de-la-loire|307|02|1|Laval:53000:49;Château-Gontier-sur-Mayenne:53200:17;Mayenne:53100:13;Évron:53600:8;Ernée:53500:6
54|Meurthe-et-Moselle|grand-est|733|03|1|*Nancy:54000,54100:104;Vandœuvre-lès-Nancy:54500:29;Lunéville:54300:18;Toul:54200:16;Villers-lès-Nancy:54600:14;Laxou:54520:14;Longwy:54400:15;Pont-à-Mousson:54700:14
55|Meuse|grand-est|184|03|1|Bar-le-Duc:55000:15;Verdun:55100:17;Commercy:55200:5.5;Saint-Mihiel:55300:4
56|Morbihan|bretagne|759|02|1|Vannes:56000:54;Lorient:56100:57;Lanester:56600:23;Ploemeur:56270:18;Auray:56400:14;Pontivy:56300:15;Hennebont:56700:16;Ploërmel:56800:10
57|Moselle|grand-est|1046|03|1|Metz:57000,57050,57070:120;Thionville:57100:41;Montigny-lès-Metz:57950:22;Forbach:57600:21;Sarreguemines:57200:20;Yutz:57970:17;Saint-Avold:57500:15;Sarrebourg:57400:12
58|Nièvre|bfc|202|03|1|Nevers:58000:33;Cosne-Cours-sur-Loire:58200:10;Decize:58300:5.5;Clamecy:58500:3.7;La Charité-sur-Loire:58400:5
59|Nord|hdf|2608|03|1.15|*Lille:59000,59160,59260,59800:236;Roubaix:59100:98;Tourcoing:59200:98;Dunkerque:59140,59640:87;Villeneuve-d'Ascq:59650:62;Valenciennes:59300:43;Douai:59500:39;Wattrelos:59150:40;Marcq-en-Barœul:59700:38;Cambrai:59400:32;Maubeuge:59600:29;Lambersart:59130:27;Armentières:59280:25
60|Oise|hdf|829|03|1|Beauvais:60000:56;Compiègne:60200:40;Creil:60100:36;Nogent-sur-Oise:60180:20;Senlis:60300:15;Noyon:60400:13;Chantilly:60500:11;Clermont:60600:10
61|Orne|normandie|279|02|1|Alençon:61000:26;Flers:61100:15;Argentan:61200:13;L'Aigle:61300:8;Mortagne-au-Perche:61400:4
62|Pas-de-Calais|hdf|1463|03|1|Arras:62000:42;Calais:62100:67;Boulogne-sur-Mer:62200:40;Lens:62300:32;Liévin:62800:31;Béthune:62400:25;Hénin-Beaumont:62110:26;Saint-Omer:62500:14;Berck:62600:14;Bruay-la-Buissière:62700:21
63|Puy-de-Dôme|ara|662|04|1|*Clermont-Ferrand:63000,63100:147;Cournon-d'Auvergne:63800:20;Riom:63200:19;Chamalières:63400:17;Issoire:63500:15;Thiers:63300:11;Aubière:63170:10
64|Pyrénées-Atlantiques|nouvelle-aquitaine|687|05|1|Pau:64000:77;Bayonne:64100:52;Anglet:64600:40;Biarritz:64200:25;Saint-Jean-de-Luz:64500:14;Oloron-Sainte-Marie:64400:10;Orthez:64300:10;Hendaye:64700:17;Lescar:64230:10
65|Hautes-Pyrénées|occitanie|229|05|1|Tarbes:65000:42;Lourdes:65100:13;Bagnères-de-Bigorre:65200:7;Lannemezan:65300:5.5;Vic-en-Bigorre:65500:5
66|Pyrénées-Orientales|occitanie|482|04|1|Perpignan:66000,66100:120;Canet-en-Roussillon:66140:13;Saint-Estève:66240:12;Argelès-sur-Mer:66700:10.5;Céret:66400:8;Prades:66500:6;Rivesaltes:66600:8.6
67|Bas-Rhin|grand-est|1140|03|1.15|*Strasbourg:67000,67100,67200:290;Haguenau:67500:35;Schiltigheim:67300:34;Illkirch-Graffenstaden:67400:27;Sélestat:67600:19;Saverne:67700:11;Bischheim:67800:17;Obernai:67210:11;Wissembourg:67160:7.5
68|Haut-Rhin|grand-est|767|03|1|Colmar:68000:67;Mulhouse:68100,68200:105;Saint-Louis:68300:22;Wittenheim:68270:14;Illzach:68110:14;Guebwiller:68500:11;Rixheim:68170:14;Altkirch:68130:6;Thann:68800:8
69|Rhône|ara|1875|04|1.15|*Lyon 1er Arrondissement:69001:30;Lyon 2e Arrondissement:69002:30;Lyon 3e Arrondissement:69003:103;Lyon 4e Arrondissement:69004:36;Lyon 5e Arrondissement:69005:47;Lyon 6e Arrondissement:69006:51;Lyon 7e Arrondissement:69007:84;Lyon 8e Arrondissement:69008:86;Lyon 9e Arrondissement:69009:51;Villeurbanne:69100:150;Vénissieux:69200:66;Vaulx-en-Velin:69120:52;Saint-Priest:69800:47;Caluire-et-Cuire:69300:43;Bron:69500:42;Villefranche-sur-Saône:69400:37;Rillieux-la-Pape:69140:31;Meyzieu:69330:34;Oullins-Pierre-Bénite:69600:38;Décines-Charpieu:69150:28;Tarare:69170:10.5
70|Haute-Saône|bfc|235|03|1|Vesoul:70000:15;Gray:70100:5.5;Héricourt:70400:10;Lure:70200:8;Luxeuil-les-Bains:70300:6.5
71|Saône-et-Loire|bfc|551|03|1|Mâcon:71000:34;Chalon-sur-Saône:71100:45;Le Creusot:71200:21;Montceau-les-Mines:71300:18;Autun:71400:13;Paray-le-Monial:71600:9;Louhans:71500:6.5
72|Sarthe|pays-de-la-loire|566|02|1|Le Mans:72000,72100:143;La Flèche:72200:15;Sablé-sur-Sarthe:72300:12;Allonnes:72700:11;Coulaines:72190:7.5;La Ferté-Bernard:72400:9;Mamers:72600:5
73|Savoie|ara|438|04|1|Chambéry:73000:59;Aix-les-Bains:73100:31;Albertville:73200:19;La Motte-Servolex:73290:12;Saint-Jean-de-Maurienne:73300:7.5;Bourg-Saint-Maurice:73700:7.5;Moûtiers:73600:3.6
74|Haute-Savoie|ara|834|04|1|Annecy:74000:131;Thonon-les-Bains:74200:36;Annemasse:74100:37;Cluses:74300:17;Sallanches:74700:17;Rumilly:74150:16;Évian-les-Bains:74500:9;Chamonix-Mont-Blanc:74400:8.5;Saint-Julien-en-Genevois:74160:15
75|Paris|idf|2133|01|1.8|*Paris 1er Arrondissement:75001:16;Paris 2e Arrondissement:75002:21;Paris 3e Arrondissement:75003:34;Paris 4e Arrondissement:75004:29;Paris 5e Arrondissement:75005:57;Paris 6e Arrondissement:75006:40;Paris 7e Arrondissement:75007:50;Paris 8e Arrondissement:75008:35;Paris 9e Arrondissement:75009:59;Paris 10e Arrondissement:75010:83;Paris 11e Arrondissement:75011:142;Paris 12e Arrondissement:75012:140;Paris 13e Arrondissement:75013:178;Paris 14e Arrondissement:75014:135;Paris 15e Arrondissement:75015:229;Paris 16e Arrondissement:75016,75116:162;Paris 17e Arrondissement:75017:165;Paris 18e Arrondissement:75018:190;Paris 19e Arrondissement:75019:183;Paris 20e Arrondissement:75020:191
76|Seine-Maritime|normandie|1255|02|1|*Rouen:76000,76100:113;Le Havre:76600,76610,76620:167;Dieppe:76200:28;Sotteville-lès-Rouen:76300:29;Saint-Étienne-du-Rouvray:76800:29;Le Grand-Quevilly:76120:26;Fécamp:76400:18;Elbeuf:76500:16;Montivilliers:76290:15;Bolbec:76210:11
77|Seine-et-Marne|idf|1421|01|1|Melun:77000:41;Meaux:77100:56;Chelles:77500:54;Pontault-Combault:77340:38;Savigny-le-Temple:77176:30;Champs-sur-Marne:77420:25;Torcy:77200:23;Fontainebleau:77300:15;Provins:77160:12;Montereau-Fault-Yonne:77130:20;Coulommiers:77120:15;Lagny-sur-Marne:77400:22;Bussy-Saint-Georges:77600:28;Combs-la-Ville:77380:22
78|Yvelines|idf|1448|01|1|Versailles:78000:85;Sartrouville:78500:52;Mantes-la-Jolie:78200:45;Saint-Germain-en-Laye:78100:45;Poissy:78300:38;Montigny-le-Bretonneux:78180:33;Conflans-Sainte-Honorine:78700:35;Les Mureaux:78130:33;Plaisir:78370:31;Trappes:78190:32;Chatou:78400:31;Le Chesnay-Rocquencourt:78150:33;Rambouillet:78120:26
79|Deux-Sèvres|nouvelle-aquitaine|375|05|1|Niort:79000:59;Bressuire:79300:19;Parthenay:79200:10;Thouars:79100:13;Chauray:79180:7
80|Somme|hdf|570|03|1|*Amiens:80000,80080,80090:134;Abbeville:80100:22;Albert:80300:10;Péronne:80200:7.5;Doullens:80600:6;Montdidier:80500:6
81|Tarn|occitanie|390|05|1|Albi:81000:49;Castres:81100:42;Gaillac:81600:16;Graulhet:81300:12;Lavaur:81500:11;Mazamet:81200:10;Carmaux:81400:9.5
82|Tarn-et-Garonne|occitanie|261|05|1|Montauban:82000:61;Castelsarrasin:82100:14;Moissac:82200:13;Caussade:82300:7;Valence:82400:5
83|Var|paca|1076|04|1|Toulon:83000,83100,83200:180;La Seyne-sur-Mer:83500:63;Hyères:83400:56;Fréjus:83600:56;Draguignan:83300:40;Saint-Raphaël:83700:36;Six-Fours-les-Plages:83140:34;La Garde:83130:25;Brignoles:83170:17;Sainte-Maxime:83120:14
84|Vaucluse|paca|561|04|1|Avignon:84000:91;Carpentras:84200:29;Orange:84100:29;Cavaillon:84300:26;Pertuis:84120:20;L'Isle-sur-la-Sorgue:84800:19;Apt:84400:12;Bollène:84500:13
85|Vendée|pays-de-la-loire|690|02|1|La Roche-sur-Yon:85000:55;Les Sables-d'Olonne:85100:45;Challans:85300:21;Les Herbiers:85500:17;Montaigu-Vendée:85600:20;Fontenay-le-Comte:85200:13;Luçon:85400:9.5
86|Vienne|nouvelle-aquitaine|438|05|1|*Poitiers:86000:89;Châtellerault:86100:31;Buxerolles:86180:10;Loudun:86200:6.5;Montmorillon:86500:6;Chauvigny:86300:7
87|Haute-Vienne|nouvelle-aquitaine|372|05|1|*Limoges:87000,87100,87280:131;Saint-Junien:87200:11;Panazol:87350:11;Couzeix:87270:9.5;Isle:87170:8;Saint-Yrieix-la-Perche:87500:6.5
88|Vosges|grand-est|362|03|1|Épinal:88000:32;Saint-Dié-des-Vosges:88100:19;Gérardmer:88400:8;Remiremont:88200:7.5;Neufchâteau:88300:6.5;Capavenir Vosges:88150:9;Vittel:88800:5
89|Yonne|bfc|335|03|1|Auxerre:89000:35;Sens:89100:27;Joigny:89300:9.5;Avallon:89200:6.5;Migennes:89400:7;Tonnerre:89700:4.5
90|Territoire de Belfort|bfc|141|03|1|Belfort:90000:46;Delle:90100:5.5;Valdoie:90300:5;Beaucourt:90500:5;Bavilliers:90800:4.5
91|Essonne|idf|1306|01|1|Évry-Courcouronnes:91000:67;Corbeil-Essonnes:91100:51;Massy:91300:50;Savigny-sur-Orge:91600:37;Sainte-Geneviève-des-Bois:91700:36;Palaiseau:91120:36;Athis-Mons:91200:34;Viry-Châtillon:91170:31;Draveil:91210:29;Yerres:91330:29;Étampes:91150:25;Orsay:91400:16;Longjumeau:91160:21;Brétigny-sur-Orge:91220:26;Les Ulis:91940:24
92|Hauts-de-Seine|idf|1625|01|1.1|Nanterre:92000:96;Boulogne-Billancourt:92100:121;Courbevoie:92400:82;Colombes:92700:86;Asnières-sur-Seine:92600:87;Rueil-Malmaison:92500:79;Issy-les-Moulineaux:92130:68;Levallois-Perret:92300:66;Neuilly-sur-Seine:92200:59;Antony:92160:62;Clichy:92110:63;Clamart:92140:53;Montrouge:92120:50;Suresnes:92150:49;Meudon:92190:46;Puteaux:92800:44;Gennevilliers:92230:48;Châtenay-Malabry:92290:34;Bagneux:92220:40;Sèvres:92310:23
93|Seine-Saint-Denis|idf|1655|01|0.85|Bobigny:93000:54;Saint-Denis:93200:113;Montreuil:93100:111;Aubervilliers:93300:88;Aulnay-sous-Bois:93600:87;Drancy:93700:72;Noisy-le-Grand:93160:70;Pantin:93500:60;Le Blanc-Mesnil:93150:58;Bondy:93140:54;Épinay-sur-Seine:93800:57;Sevran:93270:51;Saint-Ouen-sur-Seine:93400:50;Rosny-sous-Bois:93110:46;Le Raincy:93340:15;Villepinte:93420:37;Livry-Gargan:93190:45;Montfermeil:93370:27;Clichy-sous-Bois:93390:29
94|Val-de-Marne|idf|1407|01|1|Créteil:94000:92;Vitry-sur-Seine:94400:95;Champigny-sur-Marne:94500:77;Saint-Maur-des-Fossés:94100:75;Ivry-sur-Seine:94200:64;Maisons-Alfort:94700:56;Fontenay-sous-Bois:94120:53;Villejuif:94800:56;Vincennes:94300:49;Le Kremlin-Bicêtre:94270:26;Nogent-sur-Marne:94130:33;Choisy-le-Roi:94600:46;L'Haÿ-les-Roses:94240:31;Villeneuve-Saint-Georges:94190:35;Cachan:94230:30
95|Val-d'Oise|idf|1249|01|1|Cergy:95000:66;Argenteuil:95100:111;Sarcelles:95200:58;Pontoise:95300:32;Garges-lès-Gonesse:95140:43;Franconville:95130:37;Goussainville:95190:32;Bezons:95870:31;Ermont:95120:29;Villiers-le-Bel:95400:28;Gonesse:95500:26;Taverny:95150:26;Eaubonne:95600:25;Herblay-sur-Seine:95220:30;Saint-Ouen-l'Aumône:95310:24;Montmorency:95160:21
971|Guadeloupe|guadeloupe|384|0590|0.9|Les Abymes:97139:53;Baie-Mahault:97122:31;Le Gosier:97190:27;*Pointe-à-Pitre:97110:15;Petit-Bourg:97170:24;Sainte-Anne:97180:24;Le Moule:97160:22;Basse-Terre:97100:10;Capesterre-Belle-Eau:97130:18;Saint-François:97118:12
972|Martinique|martinique|361|0596|0.9|*Fort-de-France:97200:77;Le Lamentin:97232:40;Le Robert:97231:22;Schœlcher:97233:20;Sainte-Marie:97230:16;Le François:97240:16;Ducos:97224:18;Saint-Pierre:97250:4
973|Guyane|guyane|286|0594|0.5|Cayenne:97300:63;Saint-Laurent-du-Maroni:97320:47;Matoury:97351:33;Rémire-Montjoly:97354:26;Kourou:97310:25
974|La Réunion|reunion|871|0262|0.9|*Saint-Denis:97400:153;Saint-Paul:97460:105;Saint-Pierre:97410:85;Le Tampon:97430:80;Saint-André:97440:57;Saint-Louis:97450:53;Le Port:97420:33;Saint-Benoît:97470:37;Saint-Joseph:97480:38;Sainte-Marie:97438:34
976|Mayotte|mayotte|299|0269|0.3|Mamoudzou:97600:71;Dzaoudzi:97615:17;Koungou:97690:32;Dembeni:97660:15;Sada:97640:11;Chirongui:97620:9`;

function parseDepartment(line: string): Department {
  const [code, name, region, population, phone, density, communeText] = line.split('|') as [string, string, string, string, string, string, string];
  const communes = communeText.split(';').map((entry): Commune => {
    const [rawName, postcodes, weight] = entry.split(':') as [string, string, string];
    const chu = rawName.startsWith('*');
    const name = chu ? rawName.slice(1) : rawName;
    const city = name.replace(/ \d+(er|e) Arrondissement$/, '');
    const cityUpper = upperAscii(city);
    return { name, postcodes: postcodes.split(','), weight: Number(weight), chu, city, cityUpper, citySlug: slugOf(city), deliveryTown: cityUpper.replace(/['-]/g, ' ') };
  });
  return {
    code,
    name,
    region,
    phone,
    weight: Number(population) * Number(density),
    communes,
    communeTable: weightTable(communes.map((commune) => commune.weight)),
  };
}

export const DEPARTMENTS: readonly Department[] = DATA.split('\n').map(parseDepartment);
export const DEPARTMENT_TABLE: WeightTable = weightTable(DEPARTMENTS.map((department) => department.weight));

/** Street kinds: the code the postal lines use and the label the activity file spells out. */
export const STREET_KINDS: readonly { code: string; label: string; weight: number }[] = [
  { code: 'R', label: 'Rue', weight: 45 },
  { code: 'AV', label: 'Avenue', weight: 20 },
  { code: 'BD', label: 'Boulevard', weight: 8 },
  { code: 'PL', label: 'Place', weight: 7 },
  { code: 'CHE', label: 'Chemin', weight: 5 },
  { code: 'RTE', label: 'Route', weight: 5 },
  { code: 'ALL', label: 'Allée', weight: 4 },
  { code: 'IMP', label: 'Impasse', weight: 3 },
  { code: 'QUAI', label: 'Quai', weight: 1 },
  { code: 'CRS', label: 'Cours', weight: 1 },
  { code: 'SQ', label: 'Square', weight: 1 },
];
export const STREET_KIND_TABLE: WeightTable = weightTable(STREET_KINDS.map((kind) => kind.weight));

/** Street names as postal lines write them: capitals, no accents. */
export const STREET_NAMES: readonly string[] = `DE LA REPUBLIQUE|JEAN JAURES|DU GENERAL DE GAULLE|VICTOR HUGO|PASTEUR|DE LA GARE|GAMBETTA|DE LA LIBERATION
|DU MARECHAL LECLERC|DES ECOLES|DE L EGLISE|DE LA MAIRIE|NATIONALE|CARNOT|DU MARECHAL FOCH|JULES FERRY|DU 8 MAI 1945|DU 11 NOVEMBRE
|DE VERDUN|DE PARIS|SAINT MARTIN|DES LILAS|DES TILLEULS|DU MOULIN|DE LA PAIX|ARISTIDE BRIAND|DE LA HALLE|DU PORT|DES CHENES
|DE LA FONTAINE|ANATOLE FRANCE|EMILE ZOLA|PIERRE CURIE|MARIE CURIE|DU CHATEAU|DE BELLEVUE|DES ROSIERS|DU STADE|DU PONT
|DE STRASBOURG|DE LA LIBERTE|JEAN MOULIN|GEORGES CLEMENCEAU|LOUIS PASTEUR|DES PEUPLIERS|GEORGES POMPIDOU|FRANCOIS MITTERRAND
|DU DOCTEUR SCHWEITZER|DES ACACIAS|LAMARTINE|VOLTAIRE|D ALSACE LORRAINE|DE LA CROIX ROUGE|DU COMMANDANT CHARCOT|DES CARMES
|DU GENERAL LECLERC|DE LA RESISTANCE|DES JARDINS|DU COLOMBIER|DES MARRONNIERS|ROBERT SCHUMAN|ALBERT CAMUS|DE LA PREFECTURE
|DU DOCTEUR ROUX|DES FRERES LUMIERE|PAUL BERT|DE LA LOIRE|DU PRIEURE|DES TANNEURS|DU FAUBOURG SAINT JEAN|DE LA MADELEINE
|CHARLES DE GAULLE|SADI CARNOT|DU PRESIDENT WILSON|DES PYRENEES|DE LA MER|DE BRETAGNE|DE NORMANDIE|DES ALPES|DES VOSGES`
  .split('|')
  .map((name) => name.trim());

/** Lines 2, 3 and 5 of a postal address, when there is one. */
export const ADDRESS_COMPLEMENTS: readonly string[] = ['BATIMENT A', 'BATIMENT B', 'RESIDENCE LES PINS', '2EME ETAGE', 'REZ DE CHAUSSEE', 'ENTREE C', 'PARC D ACTIVITES', 'POLE SANTE'];
export const PLACE_NAMES: readonly string[] = ['LIEU DIT LA CROIX', 'LE BOURG', 'ZONE ARTISANALE', 'LES HAUTS DE LA VILLE', 'QUARTIER DE LA GARE'];
