"""Typed SQLAlchemy models of the local database: divisions, the roster, tasks and settings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class County(Base):
    """县 (区、市): the insurance pool (统筹区) an agent collects for."""

    __tablename__ = "county"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class Township(Base):
    """乡镇 / 街道."""

    __tablename__ = "township"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"), index=True)
    county: Mapped[County] = relationship()


class Village(Base):
    """村 / 社区, with its 12-digit statistical division code."""

    __tablename__ = "village"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("township.code"), index=True)
    township: Mapped[Township] = relationship()


class Household(Base):
    """户: the unit a payment is collected for (以家庭为单位整体参保)."""

    __tablename__ = "household"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 户号
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), index=True)
    village: Mapped[Village] = relationship()
    members: Mapped[list[Person]] = relationship(
        back_populates="household", order_by="Person.relation, Person.birth_date"
    )


class Person(Base):
    """A resident on the roster (参保登记), identified by ID type and number."""

    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("id_number", "id_type", name="uq_person_id_number_id_type"),
        CheckConstraint("sex IN ('M', 'F') OR sex IS NULL", name="sex"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    # Pinyin initials of the name ("zs" for 张三), for typing a name on a laptop keyboard.
    initials: Mapped[str] = mapped_column(String(32), index=True)
    id_type: Mapped[str] = mapped_column(String(2))  # 医保证件类型 code, see app.identity.IdType
    id_number: Mapped[str] = mapped_column(String(32))
    # The number reversed, so "last digits" is an indexed prefix search.
    id_reversed: Mapped[str] = mapped_column(String(32), index=True)
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    relation: Mapped[str] = mapped_column(String(2), default="99")  # 与户主关系, GB/T 4761
    hukou_place: Mapped[str] = mapped_column(String(128), default="")  # 户籍地
    phone: Mapped[str] = mapped_column(String(32), default="")
    # 核定应缴: an amount the county set for this person, overriding the policy's quote.
    assessed_fen: Mapped[int | None] = mapped_column(Integer)
    household: Mapped[Household] = relationship(back_populates="members")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="person")
    special_groups: Mapped[list[SpecialGroup]] = relationship(back_populates="person")


class Enrolment(Base):
    """A person's status for one benefit year: due, paid here or elsewhere, or not due and why."""

    __tablename__ = "enrolment"
    __table_args__ = (
        CheckConstraint(
            "status IN ('due', 'paid_here', 'paid_elsewhere', 'employee', 'deceased',"
            " 'moved_away')",
            name="status",
        ),
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    benefit_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="due")
    note: Mapped[str] = mapped_column(String(128), default="")
    person: Mapped[Person] = relationship(back_populates="enrolments")


class SpecialGroup(Base):
    """A special-group membership (特殊人群标识) with its certifying department and dates."""

    __tablename__ = "special_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))  # canonical name, app.special_groups
    department: Mapped[str] = mapped_column(String(64), default="")  # 认定部门
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    person: Mapped[Person] = relationship(back_populates="special_groups")


class VillageTask(Base):
    """任务分解表 row: a village's population (实际人数) and target (任务数) for a benefit year."""

    __tablename__ = "village_task"
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True)
    benefit_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    target: Mapped[int] = mapped_column(Integer)


class Setting(Base):
    """Device settings that travel with the database (business date, demo flag, ...)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1024))
