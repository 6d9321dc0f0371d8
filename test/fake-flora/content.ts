// Readable filler shared by the test and demo datasets.

export const ERROR_MESSAGES: Record<string, string> = {
  provider_error: 'The provider failed to complete the generation.',
  model_timeout: 'The model did not respond in time.',
  safety_blocked: "The request was blocked by the provider's safety system.",
  internal_error: 'An internal error occurred.',
  GENERATION_PROMPT_MODERATED:
    'Your prompt was flagged by content moderation. Please rephrase it and try again.',
  GPU_PROVIDER_ERROR: 'The GPU provider returned an error.',
  GENERATION_NO_RESULT: 'The model finished without producing a result.',
  GENERATION_PROVIDER_TIMEOUT: 'The provider did not finish the generation within 10 minutes.',
  BILLING_NOT_ENOUGH_CREDITS: 'Not enough credits to run this generation.',
};

export const LOWER_CASE_ERROR_CODES = ['provider_error', 'model_timeout', 'safety_blocked'] as const;
export const UPPER_CASE_ERROR_CODES = [
  'GENERATION_PROMPT_MODERATED',
  'GPU_PROVIDER_ERROR',
  'GENERATION_NO_RESULT',
] as const;

export function errorMessage(code: string): string {
  return ERROR_MESSAGES[code] ?? 'The generation failed.';
}

/** A text output whose content must be escaped by any viewer that renders it. */
export const HOSTILE_TEXT =
  'Caption draft: <img src=x onerror=alert(1)> then <script>alert(1)</script> & "quotes" \'too\'. ' +
  'If you can read the tags above as plain text, escaping works.';

export const TEXT_OUTPUTS: readonly string[] = [
  'A quiet harbour at dawn, fishing boats resting on glassy water while gulls circle overhead. ' +
    'The light is soft and amber, and the town is only beginning to wake.',
  'Tagline options: 1) "Run lighter." 2) "Every step, reimagined." 3) "Made for the first mile and the last."',
  'Scene 3 — INT. STUDIO — NIGHT. Neon reflections ripple across the wet floor. ' +
    'MAYA adjusts the camera and whispers: "One more take."',
  'The fox found the lantern at the edge of the forest. It glowed without fire, and when she touched it, ' +
    'the trees leaned closer to listen. Goodnight, little fox.',
  'Product description: breathable knit upper, recycled foam midsole, and a grippy outsole ' +
    'tuned for city streets. Available in four colourways.',
  'Shot list: wide establishing shot, slow push-in on the logo, macro detail of the texture, ' +
    'hero shot with rim light, end card.',
  'Mood: optimistic, warm, hand-made. Palette: terracotta, sage, cream. Typography: rounded grotesque.',
  'Line 1\nLine 2 has  two spaces\n\tand a tab — whitespace should survive rendering.',
];
