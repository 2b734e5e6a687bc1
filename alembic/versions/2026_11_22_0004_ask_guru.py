"""ask guru: questions' fields, guru profiles and areas, guru answers, disclaimers, helpful marks

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 02:56:52.753288
"""

from __future__ import annotations

import datetime as dt

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0001'
branch_labels = None
depends_on = None

# The first disclaimer version (guru/disclaimers.py keeps the same texts as DEFAULT_TH/DEFAULT_EN).
DISCLAIMER_TH = 'คำตอบนี้เป็นความคิดเห็นและประสบการณ์ส่วนตัวของกูรู เป็นเพียงคำแนะนำเบื้องต้นเท่านั้น ไม่ใช่คำแนะนำของบริษัทหรือผู้ดูแลเว็บไซต์ กรุณาตรวจสอบกับศูนย์บริการที่ได้รับการแต่งตั้งซึ่งท่านใช้บริการอยู่ก่อนดำเนินการใด ๆ บริษัทไม่รับผิดชอบต่อความเสียหายใด ๆ ที่เกิดจากการปฏิบัติตามคำตอบนี้ หรือจากการซ่อมด้วยตนเอง หรือการซ่อมที่อู่ซึ่งไม่ใช่ศูนย์บริการที่ได้รับการแต่งตั้ง ความเสียหายดังกล่าวเป็นความรับผิดชอบของสมาชิกเอง'
DISCLAIMER_EN = "This answer is the guru's personal opinion and experience, given as preliminary advice only. It is not advice from the company or the club operator. Please confirm with the authorised service centre where your car is serviced before acting on it. The company accepts no liability for any damage arising from following this answer, or from do-it-yourself work or repairs at a non-authorised workshop; such damage is the member's own responsibility."



def upgrade() -> None:
    op.create_table('guru_areas',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_guru_areas_category_id_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guru_areas_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_areas')),
    sa.UniqueConstraint('user_id', 'category_id', name=op.f('uq_guru_areas_user_id'))
    )
    with op.batch_alter_table('guru_areas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guru_areas_category_id'), ['category_id'], unique=False)

    op.create_table('guru_disclaimers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text_th', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_guru_disclaimers_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_disclaimers')),
    sa.UniqueConstraint('version', name=op.f('uq_guru_disclaimers_version'))
    )
    now = dt.datetime.now(dt.timezone.utc)
    op.bulk_insert(sa.table('guru_disclaimers', sa.column('version', sa.Integer), sa.column('text_th', sa.Text),
                            sa.column('text_en', sa.Text), sa.column('created_at', advanced_alchemy.types.DateTimeUTC(timezone=True)),
                            sa.column('updated_at', advanced_alchemy.types.DateTimeUTC(timezone=True))),
                   [{'version': 1, 'text_th': DISCLAIMER_TH, 'text_en': DISCLAIMER_EN, 'created_at': now, 'updated_at': now}])
    op.create_table('guru_profiles',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('display_name', sa.String(length=60), nullable=False),
    sa.Column('bio', sa.String(length=1000), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('accepted_count', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guru_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_guru_profiles_user_id'))
    )
    op.create_table('guru_answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('guru_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('disclaimer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('is_accepted', sa.Boolean(), nullable=False),
    sa.Column('helpful_count', sa.Integer(), nullable=False),
    sa.Column('announced_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['disclaimer_id'], ['guru_disclaimers.id'], name=op.f('fk_guru_answers_disclaimer_id_guru_disclaimers')),
    sa.ForeignKeyConstraint(['guru_id'], ['users.id'], name=op.f('fk_guru_answers_guru_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_guru_answers_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_guru_answers_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_answers')),
    sa.UniqueConstraint('post_id', name=op.f('uq_guru_answers_post_id'))
    )
    with op.batch_alter_table('guru_answers', schema=None) as batch_op:
        batch_op.create_index('ix_guru_answers_guru', ['guru_id', 'thread_id'], unique=False)
        batch_op.create_index('ix_guru_answers_thread', ['thread_id', 'post_id'], unique=False)
        batch_op.create_index('uq_guru_answers_one_accepted', ['thread_id'], unique=True, sqlite_where=sa.text('is_accepted = 1'), postgresql_where=sa.text('is_accepted'))

    op.create_table('guru_helpful_marks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('marked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_guru_helpful_marks_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_guru_helpful_marks_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_helpful_marks')),
    sa.UniqueConstraint('post_id', 'user_id', name=op.f('uq_guru_helpful_marks_post_id'))
    )
    with op.batch_alter_table('guru_helpful_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guru_helpful_marks_user_id'), ['user_id'], unique=False)

    op.create_table('guru_questions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('thread_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('car_model', sa.String(length=100), nullable=True),
    sa.Column('car_year', sa.Integer(), nullable=True),
    sa.Column('mileage_km', sa.Integer(), nullable=True),
    sa.Column('asked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('accepted_post_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['accepted_post_id'], ['posts.id'], name=op.f('fk_guru_questions_accepted_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_guru_questions_thread_id_threads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guru_questions')),
    sa.UniqueConstraint('thread_id', name=op.f('uq_guru_questions_thread_id'))
    )
    with op.batch_alter_table('guru_questions', schema=None) as batch_op:
        batch_op.create_index('ix_guru_questions_open', ['answer_count', 'asked_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('guru_questions', schema=None) as batch_op:
        batch_op.drop_index('ix_guru_questions_open')

    op.drop_table('guru_questions')
    with op.batch_alter_table('guru_helpful_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guru_helpful_marks_user_id'))

    op.drop_table('guru_helpful_marks')
    with op.batch_alter_table('guru_answers', schema=None) as batch_op:
        batch_op.drop_index('uq_guru_answers_one_accepted', sqlite_where=sa.text('is_accepted = 1'), postgresql_where=sa.text('is_accepted'))
        batch_op.drop_index('ix_guru_answers_thread')
        batch_op.drop_index('ix_guru_answers_guru')

    op.drop_table('guru_answers')
    op.drop_table('guru_profiles')
    op.drop_table('guru_disclaimers')
    with op.batch_alter_table('guru_areas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guru_areas_category_id'))

    op.drop_table('guru_areas')
