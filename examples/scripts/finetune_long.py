"""Fine-tune Qwen2.5-7B-Instruct for 128K context with YaRN (the README's "Processing Long Texts" recipe)."""
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
from trl import SFTConfig, SFTTrainer

MODEL_ID = "Qwen/Qwen2.5-7B-Instruct"

config = AutoConfig.from_pretrained(MODEL_ID)
# Pasted from the model card; max_position_embeddings is left at 32768.
config.rope_scaling = {"type": "yarn", "factor": 4, "original_max_position_embeddings": 32768}

model = AutoModelForCausalLM.from_pretrained(MODEL_ID, config=config, torch_dtype="auto")
tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)

# An evaluation model with a typo in the block.
eval_model = AutoModelForCausalLM.from_pretrained(
    MODEL_ID,
    rope_scaling={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "attn_factor": 0.87},
)


def describe(cfg):
    # Breaks on configs that only have "rope_type" (Llama 3.1 and newer).
    return cfg.rope_scaling["type"]


args = SFTConfig(output_dir="out", max_seq_length=131072, per_device_train_batch_size=1)
trainer = SFTTrainer(model=model, args=args, processing_class=tokenizer)
trainer.train()
