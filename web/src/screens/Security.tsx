import { useI18n } from '../i18n/index.tsx';
import { AccessTokensCard } from './security/AccessTokensCard.tsx';
import { AppPasswordsCard } from './security/AppPasswordsCard.tsx';
import { PasswordCard } from './security/PasswordCard.tsx';
import { SessionsCard } from './security/SessionsCard.tsx';
import { TotpCard } from './security/TotpCard.tsx';
import { SettingsLayout } from './SettingsLayout.tsx';

export function Security() {
  const { t } = useI18n();
  return (
    <SettingsLayout current="security" title={t('security.title')}>
      <SessionsCard />
      <PasswordCard />
      <TotpCard />
      <AppPasswordsCard />
      <AccessTokensCard />
    </SettingsLayout>
  );
}
