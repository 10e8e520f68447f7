/** The server takes JSON bodies of at most 1 MB: photos are scaled down and re-encoded as JPEG first. */
const MAX_SIDE = 1280;
const MAX_DATA_URL = 700 * 1024;

function loadImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    img.onload = () => {
      URL.revokeObjectURL(url);
      resolve(img);
    };
    img.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('unreadable image'));
    };
    img.src = url;
  });
}

/** A JPEG data URL of the photo, no longer than about 700 KB. Rejects when the browser cannot read the file. */
export async function photoToDataUrl(file: Blob): Promise<string> {
  const img = await loadImage(file);
  let side = MAX_SIDE;
  let quality = 0.85;
  for (let attempt = 0; attempt < 6; attempt++) {
    const scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no canvas');
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    const dataUrl = canvas.toDataURL('image/jpeg', quality);
    if (dataUrl.length <= MAX_DATA_URL) return dataUrl;
    side = Math.round(side * 0.75);
    quality = Math.max(0.6, quality - 0.08);
  }
  throw new Error('photo too large');
}
