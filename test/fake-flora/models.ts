import type { Model, ModelParam, ModelType } from './types';

// Model ids are shaped like FLORA endpoint ids (`t2i-flux-2-pro`); names are what a viewer shows.

const PROMPT: ModelParam = { name: 'prompt', required: true, type: 'string', label: 'Prompt' };
const SEED: ModelParam = { name: 'seed', required: false, type: 'seed', label: 'Seed' };

function aspectRatio(values: string[], def: string): ModelParam {
  return {
    name: 'aspect_ratio',
    required: false,
    type: 'string',
    label: 'Aspect ratio',
    default: def,
    options: values.map((v) => ({ label: v, value: v })),
  };
}

function duration(min: number, max: number, def: number): ModelParam {
  return {
    name: 'duration',
    required: false,
    type: 'int',
    label: 'Duration (s)',
    default: def,
    min,
    max,
    description: 'Length of the output in seconds.',
  };
}

const IMAGE_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4'];

export const MODEL_CATALOG: readonly Model[] = [
  {
    model_id: 't2i-flux-2-pro',
    name: 'FLUX.2 Pro',
    provider: 'Black Forest Labs',
    type: 'image',
    capabilities: ['text-to-image', 'image-to-image'],
    estimated_credits: 8,
    estimated_seconds: 12,
    params: [PROMPT, aspectRatio(IMAGE_RATIOS, '1:1'), SEED],
  },
  {
    model_id: 't2i-gpt-image-1',
    name: 'GPT Image 1',
    provider: 'OpenAI',
    type: 'image',
    capabilities: ['text-to-image', 'image-edit'],
    estimated_credits: 12,
    estimated_seconds: 35,
    params: [
      PROMPT,
      {
        name: 'quality',
        required: false,
        type: 'string',
        default: 'medium',
        options: [
          { label: 'Low', value: 'low' },
          { label: 'Medium', value: 'medium' },
          { label: 'High', value: 'high', description: 'Slower, more detail.' },
        ],
      },
    ],
  },
  {
    model_id: 't2i-imagen-4',
    name: 'Imagen 4',
    provider: 'Google',
    type: 'image',
    capabilities: ['text-to-image'],
    estimated_credits: 6,
    estimated_seconds: 10,
    params: [
      PROMPT,
      aspectRatio(IMAGE_RATIOS, '1:1'),
      { name: 'num_images', required: false, type: 'int', default: 1, min: 1, max: 4 },
    ],
  },
  {
    model_id: 'i2i-flux-kontext-pro',
    name: 'FLUX.1 Kontext Pro',
    provider: 'Black Forest Labs',
    type: 'image',
    capabilities: ['image-to-image', 'image-edit'],
    estimated_credits: 8,
    estimated_seconds: 15,
    params: [PROMPT, { name: 'image_url', required: true, type: 'string', label: 'Input image' }, SEED],
  },
  {
    model_id: 't2v-veo-3',
    name: 'Veo 3',
    provider: 'Google',
    type: 'video',
    capabilities: ['text-to-video', 'audio'],
    estimated_credits: 120,
    estimated_seconds: 180,
    params: [
      PROMPT,
      aspectRatio(['16:9', '9:16'], '16:9'),
      duration(4, 8, 8),
      { name: 'generate_audio', required: false, type: 'bool', default: true },
    ],
  },
  {
    model_id: 'i2v-kling-2-1',
    name: 'Kling 2.1',
    provider: 'Kuaishou',
    type: 'video',
    capabilities: ['image-to-video'],
    estimated_credits: 60,
    estimated_seconds: 150,
    params: [PROMPT, { name: 'image_url', required: true, type: 'string' }, duration(5, 10, 5)],
    beta: true,
  },
  {
    model_id: 'i2v-runway-gen4-turbo',
    name: 'Runway Gen-4 Turbo',
    provider: 'Runway',
    type: 'video',
    capabilities: ['image-to-video'],
    estimated_credits: 50,
    estimated_seconds: 90,
    params: [PROMPT, { name: 'image_url', required: true, type: 'string' }, duration(5, 10, 10)],
  },
  {
    model_id: 't2a-elevenlabs-v3',
    name: 'ElevenLabs v3',
    provider: 'ElevenLabs',
    type: 'audio',
    capabilities: ['text-to-speech'],
    estimated_credits: 4,
    estimated_seconds: 8,
    params: [
      { name: 'text', required: true, type: 'string' },
      { name: 'voice', required: false, type: 'string', default: 'Aria' },
      { name: 'stability', required: false, type: 'float', default: 0.5, min: 0, max: 1 },
    ],
  },
  {
    model_id: 't2m-lyria-2',
    name: 'Lyria 2',
    provider: 'Google',
    type: 'audio',
    capabilities: ['text-to-music'],
    estimated_credits: 10,
    estimated_seconds: 30,
    params: [PROMPT, { name: 'negative_prompt', required: false, type: 'string' }, SEED],
  },
  {
    model_id: 't2t-gpt-5',
    name: 'GPT-5',
    provider: 'OpenAI',
    type: 'text',
    capabilities: ['text-generation', 'document'],
    estimated_credits: 2,
    estimated_seconds: 20,
    params: [PROMPT, { name: 'max_tokens', required: false, type: 'int?', min: 1, max: 32000 }],
  },
  {
    model_id: 't2t-claude-sonnet-4-5',
    name: 'Claude Sonnet 4.5',
    provider: 'Anthropic',
    type: 'text',
    capabilities: ['text-generation', 'document'],
    estimated_credits: 2,
    estimated_seconds: 15,
    params: [
      PROMPT,
      { name: 'system', required: false, type: 'string' },
      { name: 'metadata', required: false, type: 'dict' },
    ],
  },
  {
    model_id: 't2t-gemini-2-5-pro',
    name: 'Gemini 2.5 Pro',
    provider: 'Google',
    type: 'text',
    capabilities: ['text-generation'],
    estimated_credits: 2,
    estimated_seconds: 18,
    params: [PROMPT, { name: 'stop', required: false, type: 'string[]' }],
  },
];

/** Referenced by history items on purpose: the catalog only lists models still visible to API clients. */
export const RETIRED_MODEL_IDS = ['t2i-flux-1-1-pro-ultra', 't2v-legacy-gen3-alpha'] as const;

export function modelsOfType(type: ModelType): Model[] {
  return MODEL_CATALOG.filter((m) => m.type === type);
}

export function cloneModel(model: Model): Model {
  return structuredClone(model);
}
