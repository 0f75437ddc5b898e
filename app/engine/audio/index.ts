/** What the rest of the engine may use from audio/. */
export { analyzeAudio, type AnalyzeAudioOptions, type AudioAnalysis } from './analyze';
export { AudioAnalyzer, type AnalyzerListener, type AnalyzerOptions } from './analyzer';
export type { AudioAlert, Severity } from './alerts';
export { AudioInputError, decodeAudioFile } from './decode';
export { EnrolmentError, enrolVoice, enrolmentFromJson, enrolmentToJson } from './enrol';
export { audioFeaturesAt, perSecond, type AudioSecond, type SpeechTrack } from './features';
export type { SpeechSegment } from './hysteresis';
export type { AudioChunk, AudioDevice, AudioDeviceEvent, AudioSource, AudioSink } from './capture/source';
export { sileroManifestEntry } from './vad-model';
export { SileroVad } from './vad';
export type { Enrolment, VoiceWindow } from './voices';
