import { useEffect, useRef } from 'react';

/** The candidate's own camera image, mirrored as people expect to see themselves. */
export function CameraPreview({ stream, label }: { stream?: MediaStream; label: string }) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current && stream) {
      video.current.srcObject = stream;
      void video.current.play().catch(() => undefined);
    }
  }, [stream]);
  return <video ref={video} className="preview" muted playsInline aria-label={label} />;
}
