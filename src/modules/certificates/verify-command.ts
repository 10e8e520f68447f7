import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { publicBaseUrl, type Config } from '../../platform/config.js';
import { fingerprintOf, loadSigningIdentity, verifyCertificatePdf } from './signing.js';

export interface VerifyDeps {
  config: Config;
  fetch: (url: string) => Promise<{ status: number; json(): Promise<any> }>;
  print: (line: string) => void;
}

const USAGE = 'usage: npm run verify-certificate -- <file.pdf> [--server=https://…] [--cert=platform-certificate.pem]';

/**
 * `npm run verify-certificate -- file.pdf`: checks the PDF's signature against the platform certificate (the one
 * this installation signs with, or --cert), then asks the running server's public check whether the number is
 * known and not revoked. The server, not the database, because an embedded database admits one process only.
 * Exit code 0 only when all of it holds.
 */
export async function runVerify(args: string[], deps: VerifyDeps): Promise<number> {
  const { print } = deps;
  const files = args.filter((a) => !a.startsWith('--'));
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const unknown = args.filter((a) => a.startsWith('--') && !/^--(server|cert)=/.test(a));
  if (files.length !== 1 || unknown.length > 0) {
    print(USAGE);
    return 1;
  }
  let pdf: Buffer;
  try {
    pdf = fs.readFileSync(files[0]);
  } catch (error) {
    print(`✗ 无法读取文件 / cannot read ${files[0]}: ${(error as Error).message}`);
    return 1;
  }
  let fingerprint: string;
  try {
    const certFile = option('cert');
    fingerprint = certFile
      ? fingerprintOf(new X509Certificate(fs.readFileSync(certFile)).raw)
      : loadSigningIdentity(deps.config, () => {}, { create: false }).fingerprint;
  } catch (error) {
    print(`✗ 没有可信的平台证书 / no platform certificate to trust: ${(error as Error).message}`);
    return 1;
  }

  const signature = verifyCertificatePdf(pdf, [fingerprint]);
  if (!signature.ok) {
    print(`✗ 签名无效，文件不可信 / INVALID signature (${signature.reason}): ${signature.detail}`);
    return 1;
  }
  print(`✓ 签名有效，文件自签发后未被改动 / signature valid, signed by ${signature.signer}${signature.signedAt ? ` at ${signature.signedAt.toISOString()}` : ''}`);
  if (!signature.number) {
    print('✗ 文件中没有证书编号 / no certificate number in the file');
    return 1;
  }

  const server = (option('server') ?? publicBaseUrl(deps.config)).replace(/\/+$/, '');
  let res: Awaited<ReturnType<VerifyDeps['fetch']>>;
  try {
    res = await deps.fetch(`${server}/api/v1/certificates/${encodeURIComponent(signature.number)}`);
  } catch (error) {
    print(`✗ 无法连接查验服务 ${server} / cannot reach the check service: ${(error as Error).message}`);
    return 1;
  }
  if (res.status === 404) {
    print(`✗ 证书编号 ${signature.number} 不存在 / UNKNOWN certificate number`);
    return 1;
  }
  if (res.status !== 200) {
    print(`✗ 查验服务返回 ${res.status} / the check service answered ${res.status}`);
    return 1;
  }
  const view = await res.json();
  if (!view.valid) {
    print(`✗ 证书已撤销（所记录的服务时长已被删除或更正）/ REVOKED${view.revokedAt ? ` since ${view.revokedAt}` : ''}: ${signature.number}`);
    return 1;
  }
  print(`✓ 证书有效 / VALID: ${signature.number} · ${view.volunteerName} · 志愿者编号 ${view.volunteerNumber} · ${view.totalHours} 小时 · ${view.issuer} · ${view.issuedAt}`);
  return 0;
}
