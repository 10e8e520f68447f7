import { CameraOutlined, DeleteOutlined, DownloadOutlined, IdcardOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Popconfirm, Result, Skeleton, Typography, Upload } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { cardApi, type MyCard } from '../../api/certificates';
import { Page } from '../../shared/Page';
import { ProblemAlert, toFailure, type Failure } from '../../shared/ProblemAlert';
import { commonText } from '../../shared/text';
import { useLoad } from '../../shared/useLoad';
import { errorTitle } from '../projects/common';
import { cardText as T } from './text';

const MAX_PHOTO = 2 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png'];

/** /me/card: the volunteer card (志愿者证) — photo upload, front/back preview, PNG and printable PDF downloads. */
export function MyCardPage() {
  const card = useLoad(() => cardApi.mine(), []);
  const notReady = card.error instanceof ApiError && card.error.status === 409 ? card.error : null;
  return (
    <Page
      title={
        <span>
          <IdcardOutlined /> {T.title}
        </span>
      }
      docTitle={T.title}
      width="medium"
    >
      {card.loading && !card.data ? (
        <Skeleton active paragraph={{ rows: 6 }} />
      ) : notReady ? (
        <NotReady code={notReady.code} title={notReady.problem.title} />
      ) : card.error ? (
        <Alert type="error" showIcon title={errorTitle(card.error)} action={<Button onClick={card.reload}>{commonText.retry}</Button>} />
      ) : card.data ? (
        <CardView card={card.data} onChanged={card.reload} />
      ) : null}
    </Page>
  );
}

/** 未实名认证 / 无志愿者编号 / 未上传照片: what is missing and what to do. */
function NotReady({ code, title }: { code: string; title: string }) {
  const reason = T.notReady[code];
  return (
    <Result
      status="info"
      data-testid="card-not-ready"
      data-code={code}
      title={reason?.title ?? title}
      subTitle={
        <>
          <div>{title}</div>
          {reason && <div>{reason.action}</div>}
        </>
      }
      extra={
        <Link to="/">
          <Button>{commonText.backHome}</Button>
        </Link>
      }
    />
  );
}

function CardView({ card, onChanged }: { card: MyCard; onChanged: () => void }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const upload = async (file: File) => {
    setFailure(null);
    // A quick check before sending; the server reads the bytes and decides.
    if (!PHOTO_TYPES.includes(file.type)) {
      setFailure({ title: T.badType, code: 'CLIENT_PHOTO_TYPE', status: 0 });
      return;
    }
    if (file.size > MAX_PHOTO) {
      setFailure({ title: T.tooLarge, code: 'CLIENT_PHOTO_TOO_LARGE', status: 0 });
      return;
    }
    setBusy(true);
    try {
      await cardApi.uploadPhoto(file);
      void message.success(T.uploaded);
      onChanged();
    } catch (err) {
      setFailure(toFailure(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await cardApi.removePhoto();
      void message.success(T.removed);
      onChanged();
    } catch (err) {
      setFailure(toFailure(err));
    }
  };

  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 13 }}>
        {T.intro}
      </Typography.Paragraph>
      <Card size="small" title={T.photo}>
        <Flex gap={12} align="start">
          {card.photoUrl && (
            <img src={card.photoUrl} alt={T.photo} width={72} height={96} style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0', flex: 'none' }} data-testid="card-photo" />
          )}
          <Flex vertical gap={8} style={{ minWidth: 0 }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {T.photoHint}
            </Typography.Text>
            <Flex gap={8} wrap>
              <Upload
                accept="image/jpeg,image/png"
                showUploadList={false}
                maxCount={1}
                beforeUpload={(file) => {
                  void upload(file);
                  return false;
                }}
              >
                <Button type={card.photoUrl ? 'default' : 'primary'} icon={<CameraOutlined />} loading={busy} data-testid="card-photo-upload">
                  {card.photoUrl ? T.replace : T.upload}
                </Button>
              </Upload>
              {card.photoUrl && (
                <Popconfirm title={`${T.remove}？`} onConfirm={remove}>
                  <Button icon={<DeleteOutlined />} danger>
                    {T.remove}
                  </Button>
                </Popconfirm>
              )}
            </Flex>
          </Flex>
        </Flex>
        <div style={{ marginTop: failure ? 12 : 0 }}>
          <ProblemAlert failure={failure} />
        </div>
      </Card>

      {card.photoUrl ? (
        <>
          <Flex gap={12} wrap>
            {(['front', 'back'] as const).map((side) => (
              <Preview key={side} side={side} version={card.photoUrl!} />
            ))}
          </Flex>
          <Flex gap={8} wrap>
            <Button icon={<DownloadOutlined />} href={cardApi.pngUrl('front', card.photoUrl)} download data-testid="card-download-front">
              {T.downloadFront}
            </Button>
            <Button icon={<DownloadOutlined />} href={cardApi.pngUrl('back', card.photoUrl)} download data-testid="card-download-back">
              {T.downloadBack}
            </Button>
            <Button type="primary" icon={<PrinterOutlined />} href={cardApi.pdfUrl} download data-testid="card-download-pdf">
              {T.downloadPdf}
            </Button>
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {T.printHint}
          </Typography.Text>
        </>
      ) : (
        <Alert type="info" showIcon data-testid="card-no-photo" title={T.notReady.CARD_PHOTO_MISSING!.title} description={T.noPhoto} />
      )}
    </Flex>
  );
}

/** One side as the server draws it; `version` (the photo's URL) changes with every new photo, so the image reloads. */
function Preview({ side, version }: { side: 'front' | 'back'; version: string }) {
  const [failed, setFailed] = useState(false);
  return (
    <figure style={{ margin: 0, flex: '1 1 300px', minWidth: 0 }}>
      {failed ? (
        <Alert type="warning" showIcon title={T.previewFailed} />
      ) : (
        <img
          src={cardApi.pngUrl(side, version)}
          alt={side === 'front' ? T.front : T.back}
          data-testid={`card-${side}`}
          onError={() => setFailed(true)}
          // CR80 proportions (85.6 × 54 mm) keep the layout still while the image loads.
          style={{ width: '100%', aspectRatio: '85.6 / 54', display: 'block', borderRadius: 8, boxShadow: '0 1px 4px rgba(0,0,0,0.15)', background: '#fafafa' }}
        />
      )}
      <figcaption style={{ textAlign: 'center', color: '#8c8c8c', fontSize: 12, marginTop: 4 }}>{side === 'front' ? T.front : T.back}</figcaption>
    </figure>
  );
}
