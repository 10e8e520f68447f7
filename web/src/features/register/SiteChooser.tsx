import { Alert, Button, Col, Row, Skeleton, Typography } from 'antd';
import { errorTitle } from '../../api/client';
import { getSites } from '../../api/endpoints';
import { getLastSite } from '../../shared/lastSite';
import { Page } from '../../shared/Page';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { registerText } from './text';

/** Step one of registration (seed 002 图 2-2): pick the province whose site you register with. */
export function SiteChooser({ onChoose, title, hint }: { onChoose: (code: string) => void; title?: string; hint?: string }) {
  const sites = useLoad(getSites, []);
  const last = getLastSite();
  return (
    <Page title={title ?? registerText.chooseSiteTitle} width="wide">
      <Typography.Paragraph type="secondary">{hint ?? registerText.chooseSiteHint}</Typography.Paragraph>
      {sites.error ? (
        <Alert
          type="error"
          showIcon
          title={registerText.sitesLoadFailed}
          description={errorTitle(sites.error)}
          action={<Button onClick={sites.reload}>{commonText.retry}</Button>}
        />
      ) : !sites.data ? (
        <Skeleton active />
      ) : (
        <Row gutter={[8, 8]} data-testid="site-list">
          {sites.data.map((site) => (
            <Col key={site.code} xs={8} sm={6} md={4} lg={3}>
              <Button
                block
                type={site.code === last ? 'primary' : 'default'}
                ghost={site.code === last}
                onClick={() => onChoose(site.code)}
                // Long names (新疆维吾尔自治区) wrap instead of spilling out of a phone-width column.
                style={{ height: 'auto', minHeight: 36, whiteSpace: 'normal', paddingInline: 4, paddingBlock: 4, lineHeight: 1.3 }}
              >
                {site.name}
              </Button>
            </Col>
          ))}
        </Row>
      )}
    </Page>
  );
}
