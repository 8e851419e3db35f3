/** National whitelist files (liste blanche) for tests, in the published shape. */
export function whitelistXml(domains: string[], options: { prefix?: string; generatedAt?: string } = {}): string {
  const p = options.prefix ? `${options.prefix}:` : '';
  const ns = options.prefix ? `xmlns:${options.prefix}` : 'xmlns';
  return `<?xml version="1.0" encoding="UTF-8"?>
<${p}ListeBlanche ${ns}="https://listeblanche.mssante.fr/schema" DateDeGeneration="${options.generatedAt ?? '2026-12-01T03:00:00'}">
${domains.join('\n')}
</${p}ListeBlanche>`;
}

export function domainXml(name: string, subject = `CN=mx.${name}, OU=0002 123456789, O=OPERATEUR, ST=Bretagne, C=FR`, prefix = ''): string {
  const p = prefix ? `${prefix}:` : '';
  return `  <${p}Domaine><${p}Nom>${name}</${p}Nom><${p}Description>Messagerie de ${name}</${p}Description><${p}DNCertificatOperateur>${subject}</${p}DNCertificatOperateur><${p}ResponsableContact>rssi@${name}</${p}ResponsableContact><${p}SupportContact>support@${name}</${p}SupportContact><${p}DateMAJ>2026-11-30</${p}DateMAJ></${p}Domaine>`;
}
