import { Card, Grid } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { commonText } from './text';

const widths = { narrow: 480, medium: 720, wide: 1080 } as const;

export interface PageProps {
  title: ReactNode;
  /** Text for the browser tab. */
  docTitle?: string;
  extra?: ReactNode;
  width?: keyof typeof widths;
  children: ReactNode;
}

/** A centred card: full width with slim margins on phones, a fixed column on PCs. */
export function Page({ title, docTitle, extra, width = 'medium', children }: PageProps) {
  const screens = Grid.useBreakpoint();
  const phone = !screens.sm;
  useEffect(() => {
    const text = docTitle ?? (typeof title === 'string' ? title : undefined);
    document.title = text ? `${text} - ${commonText.appName}` : commonText.appName;
  }, [docTitle, title]);
  return (
    <div style={{ maxWidth: widths[width], margin: '0 auto', width: '100%' }}>
      <Card
        title={title}
        extra={extra}
        variant={phone ? 'borderless' : 'outlined'}
        styles={{ body: { padding: phone ? 16 : 24 }, header: phone ? { padding: '0 16px' } : undefined }}
      >
        {children}
      </Card>
    </div>
  );
}
